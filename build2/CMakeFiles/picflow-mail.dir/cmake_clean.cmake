file(REMOVE_RECURSE
  "CMakeFiles/picflow-mail.dir/src/main.c.o"
  "CMakeFiles/picflow-mail.dir/src/main.c.o.d"
  "picflow-mail"
  "picflow-mail.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/picflow-mail.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
