file(REMOVE_RECURSE
  "CMakeFiles/test_imap_names.dir/unit/test_imap_names.c.o"
  "CMakeFiles/test_imap_names.dir/unit/test_imap_names.c.o.d"
  "CMakeFiles/test_imap_names.dir/unit/testutil.c.o"
  "CMakeFiles/test_imap_names.dir/unit/testutil.c.o.d"
  "test_imap_names"
  "test_imap_names.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_imap_names.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
