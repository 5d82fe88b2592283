CMakeFiles/picflow_core.dir/src/smtp_conn.c.o: \
 /work/wt-poison/src/smtp_conn.c /usr/include/stdc-predef.h \
 /work/wt-poison/src/smtp_conn.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \
 /work/wt-poison/src/config.h /work/wt-poison/src/policy.h \
 /usr/include/time.h /usr/include/features.h \
 /usr/include/features-time64.h \
 /usr/include/x86_64-linux-gnu/bits/wordsize.h \
 /usr/include/x86_64-linux-gnu/bits/timesize.h \
 /usr/include/x86_64-linux-gnu/sys/cdefs.h \
 /usr/include/x86_64-linux-gnu/bits/long-double.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs.h \
 /usr/include/x86_64-linux-gnu/gnu/stubs-64.h \
 /usr/include/x86_64-linux-gnu/bits/time.h \
 /usr/include/x86_64-linux-gnu/bits/types.h \
 /usr/include/x86_64-linux-gnu/bits/typesizes.h \
 /usr/include/x86_64-linux-gnu/bits/time64.h \
 /usr/include/x86_64-linux-gnu/bits/types/clock_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/time_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_tm.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_timespec.h \
 /usr/include/x86_64-linux-gnu/bits/endian.h \
 /usr/include/x86_64-linux-gnu/bits/endianness.h \
 /usr/include/x86_64-linux-gnu/bits/types/clockid_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/timer_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_itimerspec.h \
 /usr/include/x86_64-linux-gnu/bits/types/locale_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__locale_t.h \
 /work/wt-poison/src/net.h /work/wt-poison/src/log.h \
 /work/wt-poison/src/tls_verify.h /usr/include/libetpan/libetpan.h \
 /usr/include/libetpan/libetpan_version.h \
 /usr/include/libetpan/maildriver.h \
 /usr/include/libetpan/maildriver_types.h \
 /usr/include/x86_64-linux-gnu/sys/types.h \
 /usr/include/x86_64-linux-gnu/bits/stdint-intn.h /usr/include/endian.h \
 /usr/include/x86_64-linux-gnu/bits/byteswap.h \
 /usr/include/x86_64-linux-gnu/bits/uintn-identity.h \
 /usr/include/x86_64-linux-gnu/sys/select.h \
 /usr/include/x86_64-linux-gnu/bits/select.h \
 /usr/include/x86_64-linux-gnu/bits/types/sigset_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__sigset_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_timeval.h \
 /usr/include/x86_64-linux-gnu/bits/pthreadtypes.h \
 /usr/include/x86_64-linux-gnu/bits/thread-shared-types.h \
 /usr/include/x86_64-linux-gnu/bits/pthreadtypes-arch.h \
 /usr/include/x86_64-linux-gnu/bits/atomic_wide_counter.h \
 /usr/include/x86_64-linux-gnu/bits/struct_mutex.h \
 /usr/include/x86_64-linux-gnu/bits/struct_rwlock.h \
 /usr/include/libetpan/mailstream.h \
 /usr/include/x86_64-linux-gnu/sys/time.h \
 /usr/include/libetpan/mailstream_low.h \
 /usr/include/libetpan/mailstream_types.h \
 /usr/include/libetpan/libetpan-config.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/limits.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/syslimits.h \
 /usr/include/limits.h \
 /usr/include/x86_64-linux-gnu/bits/libc-header-start.h \
 /usr/include/x86_64-linux-gnu/bits/posix1_lim.h \
 /usr/include/x86_64-linux-gnu/bits/local_lim.h \
 /usr/include/linux/limits.h \
 /usr/include/x86_64-linux-gnu/bits/pthread_stack_min-dynamic.h \
 /usr/include/x86_64-linux-gnu/bits/pthread_stack_min.h \
 /usr/include/x86_64-linux-gnu/bits/posix2_lim.h \
 /usr/include/x86_64-linux-gnu/sys/param.h /usr/include/signal.h \
 /usr/include/x86_64-linux-gnu/bits/signum-generic.h \
 /usr/include/x86_64-linux-gnu/bits/signum-arch.h \
 /usr/include/x86_64-linux-gnu/bits/types/sig_atomic_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/siginfo_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__sigval_t.h \
 /usr/include/x86_64-linux-gnu/bits/siginfo-arch.h \
 /usr/include/x86_64-linux-gnu/bits/siginfo-consts.h \
 /usr/include/x86_64-linux-gnu/bits/types/sigval_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/sigevent_t.h \
 /usr/include/x86_64-linux-gnu/bits/sigevent-consts.h \
 /usr/include/x86_64-linux-gnu/bits/sigaction.h \
 /usr/include/x86_64-linux-gnu/bits/sigcontext.h \
 /usr/include/x86_64-linux-gnu/bits/types/stack_t.h \
 /usr/include/x86_64-linux-gnu/sys/ucontext.h \
 /usr/include/x86_64-linux-gnu/bits/sigstack.h \
 /usr/include/x86_64-linux-gnu/bits/sigstksz.h \
 /usr/include/x86_64-linux-gnu/bits/ss_flags.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_sigstack.h \
 /usr/include/x86_64-linux-gnu/bits/sigthread.h \
 /usr/include/x86_64-linux-gnu/bits/signal_ext.h \
 /usr/include/x86_64-linux-gnu/bits/param.h /usr/include/linux/param.h \
 /usr/include/x86_64-linux-gnu/asm/param.h \
 /usr/include/asm-generic/param.h /usr/include/inttypes.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdint.h /usr/include/stdint.h \
 /usr/include/x86_64-linux-gnu/bits/wchar.h \
 /usr/include/x86_64-linux-gnu/bits/stdint-uintn.h \
 /usr/include/libetpan/carray.h /usr/include/libetpan/mailstream_helper.h \
 /usr/include/libetpan/mmapstring.h \
 /usr/include/libetpan/mailstream_socket.h \
 /usr/include/libetpan/mailstream_ssl.h \
 /usr/include/libetpan/mailstream_cfstream.h \
 /usr/include/libetpan/mailimf.h /usr/include/libetpan/mailimf_types.h \
 /usr/include/libetpan/clist.h \
 /usr/include/libetpan/mailimf_write_generic.h /usr/include/stdio.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h \
 /usr/include/x86_64-linux-gnu/bits/types/__fpos_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__mbstate_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__fpos64_t.h \
 /usr/include/x86_64-linux-gnu/bits/types/__FILE.h \
 /usr/include/x86_64-linux-gnu/bits/types/FILE.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_FILE.h \
 /usr/include/x86_64-linux-gnu/bits/stdio_lim.h \
 /usr/include/x86_64-linux-gnu/bits/floatn.h \
 /usr/include/x86_64-linux-gnu/bits/floatn-common.h \
 /usr/include/x86_64-linux-gnu/bits/stdio.h \
 /usr/include/libetpan/mailimf_write_file.h \
 /usr/include/libetpan/mailimf_write_mem.h \
 /usr/include/libetpan/mailimf_types_helper.h \
 /usr/include/libetpan/mailmime.h /usr/include/libetpan/mailmime_types.h \
 /usr/include/libetpan/mailmime_types_helper.h \
 /usr/include/libetpan/mailmime_content.h \
 /usr/include/libetpan/mailmime_decode.h \
 /usr/include/libetpan/mailmime_disposition.h \
 /usr/include/libetpan/mailmime_write_file.h \
 /usr/include/libetpan/mailmime_write_mem.h \
 /usr/include/libetpan/mailmime_write_generic.h \
 /usr/include/libetpan/mailthread_types.h \
 /usr/include/libetpan/mailmessage_types.h \
 /usr/include/libetpan/maildriver_errors.h \
 /usr/include/libetpan/maildriver_types_helper.h \
 /usr/include/libetpan/mailmessage.h /usr/include/libetpan/mailfolder.h \
 /usr/include/libetpan/mailstorage_types.h \
 /usr/include/libetpan/mailstorage.h \
 /usr/include/libetpan/mailstorage_types.h \
 /usr/include/libetpan/mailthread.h /usr/include/libetpan/mailsmtp.h \
 /usr/include/libetpan/mailsmtp_types.h \
 /usr/include/libetpan/mailsmtp_helper.h \
 /usr/include/libetpan/mailsmtp_types.h /usr/include/libetpan/clist.h \
 /usr/include/libetpan/mailsmtp_socket.h \
 /usr/include/libetpan/mailsmtp_ssl.h \
 /usr/include/libetpan/mailsmtp_oauth2.h /usr/include/libetpan/charconv.h \
 /usr/include/libetpan/mailsem.h /usr/include/libetpan/chash.h \
 /usr/include/libetpan/maillock.h /usr/include/libetpan/mboxdriver.h \
 /usr/include/libetpan/mboxdriver_types.h \
 /usr/include/libetpan/mailmbox.h /usr/include/libetpan/mailmbox_types.h \
 /usr/include/libetpan/mboxdriver_message.h \
 /usr/include/libetpan/mboxdriver_cached.h \
 /usr/include/libetpan/mboxdriver_cached_message.h \
 /usr/include/libetpan/mboxstorage.h /usr/include/libetpan/mhdriver.h \
 /usr/include/libetpan/mhdriver_message.h \
 /usr/include/libetpan/mhdriver_types.h /usr/include/libetpan/mailmh.h \
 /usr/include/libetpan/generic_cache_types.h \
 /usr/include/libetpan/mhdriver_cached.h \
 /usr/include/libetpan/mhdriver_cached_message.h \
 /usr/include/libetpan/mhstorage.h /usr/include/libetpan/imapdriver.h \
 /usr/include/libetpan/imapdriver_types.h \
 /usr/include/libetpan/mailimap.h /usr/include/libetpan/mailimap_types.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h \
 /usr/include/libetpan/mailimap_types_helper.h \
 /usr/include/libetpan/mailimap_helper.h \
 /usr/include/libetpan/mailimap_socket.h \
 /usr/include/libetpan/mailimap_ssl.h /usr/include/libetpan/acl.h \
 /usr/include/libetpan/mailimap_extension.h \
 /usr/include/libetpan/mailimap_extension_types.h \
 /usr/include/libetpan/acl_types.h /usr/include/libetpan/annotatemore.h \
 /usr/include/libetpan/annotatemore_types.h \
 /usr/include/libetpan/uidplus.h /usr/include/libetpan/uidplus_types.h \
 /usr/include/libetpan/mailimap_types.h /usr/include/libetpan/idle.h \
 /usr/include/libetpan/quota.h /usr/include/libetpan/quota_types.h \
 /usr/include/libetpan/namespace.h \
 /usr/include/libetpan/namespace_types.h \
 /usr/include/libetpan/mailimap_id.h \
 /usr/include/libetpan/mailimap_id_types.h /usr/include/libetpan/enable.h \
 /usr/include/libetpan/xlist.h /usr/include/libetpan/xgmlabels.h \
 /usr/include/libetpan/xgmmsgid.h /usr/include/libetpan/xgmthrid.h \
 /usr/include/libetpan/condstore.h \
 /usr/include/libetpan/condstore_types.h /usr/include/libetpan/qresync.h \
 /usr/include/libetpan/qresync_types.h \
 /usr/include/libetpan/mailimap_sort.h \
 /usr/include/libetpan/mailimap_sort_types.h \
 /usr/include/libetpan/mailimap_compress.h \
 /usr/include/libetpan/mailimap_oauth2.h \
 /usr/include/libetpan/imapdriver_message.h \
 /usr/include/libetpan/imapdriver_cached.h \
 /usr/include/libetpan/imapdriver_cached_message.h \
 /usr/include/libetpan/imapstorage.h /usr/include/libetpan/pop3driver.h \
 /usr/include/libetpan/pop3driver_types.h \
 /usr/include/libetpan/mailpop3.h /usr/include/libetpan/mailpop3_types.h \
 /usr/include/libetpan/mailpop3_helper.h /usr/include/libetpan/mailpop3.h \
 /usr/include/libetpan/mailpop3_socket.h \
 /usr/include/libetpan/mailpop3_ssl.h \
 /usr/include/libetpan/pop3driver_message.h \
 /usr/include/libetpan/pop3driver_cached.h \
 /usr/include/libetpan/pop3driver_cached_message.h \
 /usr/include/libetpan/pop3storage.h \
 /usr/include/libetpan/hotmailstorage.h \
 /usr/include/libetpan/nntpdriver.h \
 /usr/include/libetpan/nntpdriver_types.h \
 /usr/include/libetpan/newsnntp.h /usr/include/libetpan/newsnntp_socket.h \
 /usr/include/libetpan/newsnntp_types.h \
 /usr/include/libetpan/newsnntp_ssl.h \
 /usr/include/libetpan/nntpdriver_message.h \
 /usr/include/libetpan/nntpdriver_cached.h \
 /usr/include/libetpan/nntpdriver_cached_message.h \
 /usr/include/libetpan/nntpstorage.h \
 /usr/include/libetpan/maildirdriver.h \
 /usr/include/libetpan/maildirdriver_types.h \
 /usr/include/libetpan/maildir.h /usr/include/libetpan/maildir_types.h \
 /usr/include/libetpan/maildirdriver_message.h \
 /usr/include/libetpan/maildirdriver_cached.h \
 /usr/include/libetpan/maildirdriver_cached_message.h \
 /usr/include/libetpan/maildirstorage.h /usr/include/libetpan/dbdriver.h \
 /usr/include/libetpan/dbdriver_message.h \
 /usr/include/libetpan/dbdriver_types.h /usr/include/libetpan/dbstorage.h \
 /usr/include/libetpan/feeddriver.h \
 /usr/include/libetpan/feeddriver_types.h \
 /usr/include/libetpan/newsfeed.h /usr/include/libetpan/newsfeed_types.h \
 /usr/include/libetpan/newsfeed_item.h \
 /usr/include/libetpan/newsfeed_item_enclosure.h \
 /usr/include/libetpan/feeddriver_message.h \
 /usr/include/libetpan/feedstorage.h \
 /usr/include/libetpan/mime_message_driver.h \
 /usr/include/libetpan/data_message_driver.h \
 /usr/include/libetpan/mailprivacy.h \
 /usr/include/libetpan/mailprivacy_types.h \
 /usr/include/libetpan/mailprivacy_tools.h \
 /usr/include/libetpan/mailengine.h \
 /usr/include/libetpan/mailprivacy_gnupg.h \
 /usr/include/libetpan/mailprivacy_smime.h /work/wt-poison/src/util.h \
 /usr/include/netdb.h /usr/include/netinet/in.h \
 /usr/include/x86_64-linux-gnu/sys/socket.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_iovec.h \
 /usr/include/x86_64-linux-gnu/bits/socket.h \
 /usr/include/x86_64-linux-gnu/bits/socket_type.h \
 /usr/include/x86_64-linux-gnu/bits/sockaddr.h \
 /usr/include/x86_64-linux-gnu/asm/socket.h \
 /usr/include/asm-generic/socket.h /usr/include/linux/posix_types.h \
 /usr/include/linux/stddef.h \
 /usr/include/x86_64-linux-gnu/asm/posix_types.h \
 /usr/include/x86_64-linux-gnu/asm/posix_types_64.h \
 /usr/include/asm-generic/posix_types.h \
 /usr/include/x86_64-linux-gnu/asm/bitsperlong.h \
 /usr/include/asm-generic/bitsperlong.h \
 /usr/include/x86_64-linux-gnu/asm/sockios.h \
 /usr/include/asm-generic/sockios.h \
 /usr/include/x86_64-linux-gnu/bits/types/struct_osockaddr.h \
 /usr/include/x86_64-linux-gnu/bits/in.h /usr/include/rpc/netdb.h \
 /usr/include/x86_64-linux-gnu/bits/netdb.h /usr/include/stdlib.h \
 /usr/include/x86_64-linux-gnu/bits/waitflags.h \
 /usr/include/x86_64-linux-gnu/bits/waitstatus.h /usr/include/alloca.h \
 /usr/include/x86_64-linux-gnu/bits/stdlib-bsearch.h \
 /usr/include/x86_64-linux-gnu/bits/stdlib-float.h /usr/include/string.h \
 /usr/include/strings.h /usr/include/unistd.h \
 /usr/include/x86_64-linux-gnu/bits/posix_opt.h \
 /usr/include/x86_64-linux-gnu/bits/environments.h \
 /usr/include/x86_64-linux-gnu/bits/confname.h \
 /usr/include/x86_64-linux-gnu/bits/getopt_posix.h \
 /usr/include/x86_64-linux-gnu/bits/getopt_core.h \
 /usr/include/x86_64-linux-gnu/bits/unistd_ext.h
