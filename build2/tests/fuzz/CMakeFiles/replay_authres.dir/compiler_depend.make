# Empty compiler generated dependencies file for replay_authres.
# This may be replaced when dependencies are built.
