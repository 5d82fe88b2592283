file(REMOVE_RECURSE
  "CMakeFiles/test_template.dir/unit/test_template.c.o"
  "CMakeFiles/test_template.dir/unit/test_template.c.o.d"
  "CMakeFiles/test_template.dir/unit/testutil.c.o"
  "CMakeFiles/test_template.dir/unit/testutil.c.o.d"
  "test_template"
  "test_template.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_template.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
