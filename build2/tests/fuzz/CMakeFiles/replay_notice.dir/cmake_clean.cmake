file(REMOVE_RECURSE
  "CMakeFiles/replay_notice.dir/fuzz_check.c.o"
  "CMakeFiles/replay_notice.dir/fuzz_check.c.o.d"
  "CMakeFiles/replay_notice.dir/fuzz_notice.c.o"
  "CMakeFiles/replay_notice.dir/fuzz_notice.c.o.d"
  "CMakeFiles/replay_notice.dir/replay.c.o"
  "CMakeFiles/replay_notice.dir/replay.c.o.d"
  "replay_notice"
  "replay_notice.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_notice.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
