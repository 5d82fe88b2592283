# Empty dependencies file for replay_notice.
# This may be replaced when dependencies are built.
