file(REMOVE_RECURSE
  "CMakeFiles/replay_authres.dir/fuzz_authres.c.o"
  "CMakeFiles/replay_authres.dir/fuzz_authres.c.o.d"
  "CMakeFiles/replay_authres.dir/fuzz_check.c.o"
  "CMakeFiles/replay_authres.dir/fuzz_check.c.o.d"
  "CMakeFiles/replay_authres.dir/replay.c.o"
  "CMakeFiles/replay_authres.dir/replay.c.o.d"
  "replay_authres"
  "replay_authres.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_authres.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
