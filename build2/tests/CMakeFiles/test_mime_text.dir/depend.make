# Empty dependencies file for test_mime_text.
# This may be replaced when dependencies are built.
