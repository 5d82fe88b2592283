# Empty dependencies file for test_sender.
# This may be replaced when dependencies are built.
