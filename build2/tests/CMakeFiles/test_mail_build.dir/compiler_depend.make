# Empty compiler generated dependencies file for test_mail_build.
# This may be replaced when dependencies are built.
