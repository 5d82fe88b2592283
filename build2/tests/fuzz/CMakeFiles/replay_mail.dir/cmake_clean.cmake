file(REMOVE_RECURSE
  "CMakeFiles/replay_mail.dir/fuzz_check.c.o"
  "CMakeFiles/replay_mail.dir/fuzz_check.c.o.d"
  "CMakeFiles/replay_mail.dir/fuzz_mail.c.o"
  "CMakeFiles/replay_mail.dir/fuzz_mail.c.o.d"
  "CMakeFiles/replay_mail.dir/replay.c.o"
  "CMakeFiles/replay_mail.dir/replay.c.o.d"
  "replay_mail"
  "replay_mail.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_mail.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
