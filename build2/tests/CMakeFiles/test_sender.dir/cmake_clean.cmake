file(REMOVE_RECURSE
  "CMakeFiles/test_sender.dir/unit/test_sender.c.o"
  "CMakeFiles/test_sender.dir/unit/test_sender.c.o.d"
  "CMakeFiles/test_sender.dir/unit/testutil.c.o"
  "CMakeFiles/test_sender.dir/unit/testutil.c.o.d"
  "test_sender"
  "test_sender.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sender.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
