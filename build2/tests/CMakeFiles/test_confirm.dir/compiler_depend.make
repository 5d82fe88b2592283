# Empty compiler generated dependencies file for test_confirm.
# This may be replaced when dependencies are built.
