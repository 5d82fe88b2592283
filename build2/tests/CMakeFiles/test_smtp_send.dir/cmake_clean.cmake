file(REMOVE_RECURSE
  "CMakeFiles/test_smtp_send.dir/unit/test_smtp_send.c.o"
  "CMakeFiles/test_smtp_send.dir/unit/test_smtp_send.c.o.d"
  "CMakeFiles/test_smtp_send.dir/unit/testutil.c.o"
  "CMakeFiles/test_smtp_send.dir/unit/testutil.c.o.d"
  "test_smtp_send"
  "test_smtp_send.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_smtp_send.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
