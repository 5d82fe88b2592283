file(REMOVE_RECURSE
  "CMakeFiles/test_mail_build.dir/unit/test_mail_build.c.o"
  "CMakeFiles/test_mail_build.dir/unit/test_mail_build.c.o.d"
  "CMakeFiles/test_mail_build.dir/unit/testutil.c.o"
  "CMakeFiles/test_mail_build.dir/unit/testutil.c.o.d"
  "test_mail_build"
  "test_mail_build.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_mail_build.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
