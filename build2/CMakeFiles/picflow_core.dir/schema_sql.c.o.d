CMakeFiles/picflow_core.dir/schema_sql.c.o: \
 /work/wt-poison/build2/schema_sql.c /usr/include/stdc-predef.h \
 /work/wt-poison/src/schema.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
