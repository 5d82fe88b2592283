# Empty dependencies file for test_smtp_send.
# This may be replaced when dependencies are built.
