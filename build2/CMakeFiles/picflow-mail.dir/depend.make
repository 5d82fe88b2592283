# Empty dependencies file for picflow-mail.
# This may be replaced when dependencies are built.
