# Empty compiler generated dependencies file for test_privacy.
# This may be replaced when dependencies are built.
