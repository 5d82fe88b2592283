file(REMOVE_RECURSE
  "CMakeFiles/test_mime_text.dir/unit/test_mime_text.c.o"
  "CMakeFiles/test_mime_text.dir/unit/test_mime_text.c.o.d"
  "CMakeFiles/test_mime_text.dir/unit/testutil.c.o"
  "CMakeFiles/test_mime_text.dir/unit/testutil.c.o.d"
  "test_mime_text"
  "test_mime_text.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_mime_text.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
