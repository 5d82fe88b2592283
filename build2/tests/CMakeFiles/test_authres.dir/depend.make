# Empty dependencies file for test_authres.
# This may be replaced when dependencies are built.
