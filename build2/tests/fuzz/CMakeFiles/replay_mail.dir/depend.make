# Empty dependencies file for replay_mail.
# This may be replaced when dependencies are built.
