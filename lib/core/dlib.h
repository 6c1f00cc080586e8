/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxml2, libarchive and libkmod, loaded on first use (lib/core/dlib.c). Between
 * them they bring in ICU, libstdc++, libcrypto, libzstd and liblzma: 3 to 4 ms
 * and 5 MiB of resident memory for every run of a command that never reads
 * XML, writes a tarball or looks up a module (`groups` on a large host, say).
 * A file that uses them includes this header after the libraries' own: their
 * names then call the loaded symbols, loading on the first call.
 */
#ifndef VFD_DLIB_H
#define VFD_DLIB_H

#include <stdbool.h>

/* 0 once the library is loaded with every symbol used here; -ELIBACC, with
 * vfd_dl_error() saying what was missing, when it cannot be */
int vfd_dl_libxml2(void);
int vfd_dl_libarchive(void);
int vfd_dl_libkmod(void);
const char *vfd_dl_error(void);

#define VFD_DL_CALL(lib, sym) (*(vfd_dl_##lib(), dl_##sym))

#ifdef LIBXML_TREE_ENABLED
#define VFD_DL_XML(X) \
	X(xmlAddChild) X(xmlBufferContent) X(xmlBufferCreate) X(xmlBufferFree) \
	X(xmlCtxtGetLastError) X(xmlCtxtReadMemory) X(xmlDocGetRootElement) \
	X(xmlDocSetRootElement) X(xmlFreeDoc) X(xmlFreeNode) X(xmlFreeParserCtxt) \
	X(xmlGetExternalEntityLoader) X(xmlGetLineNo) X(xmlGetNoNsProp) X(xmlNewChild) \
	X(xmlNewDoc) X(xmlNewNode) X(xmlNewNs) X(xmlNewParserCtxt) X(xmlNewProp) \
	X(xmlNewTextChild) X(xmlNodeDump) X(xmlNodeGetContent) X(xmlSetExternalEntityLoader) \
	X(xmlSetNs) X(xmlFree) X(__xmlIndentTreeOutput)
#define VFD_DL_DECLARE(sym) extern __typeof__(sym) *dl_##sym;
VFD_DL_XML(VFD_DL_DECLARE)
#undef VFD_DL_DECLARE
#define xmlAddChild VFD_DL_CALL(libxml2, xmlAddChild)
#define xmlBufferContent VFD_DL_CALL(libxml2, xmlBufferContent)
#define xmlBufferCreate VFD_DL_CALL(libxml2, xmlBufferCreate)
#define xmlBufferFree VFD_DL_CALL(libxml2, xmlBufferFree)
#define xmlCtxtGetLastError VFD_DL_CALL(libxml2, xmlCtxtGetLastError)
#define xmlCtxtReadMemory VFD_DL_CALL(libxml2, xmlCtxtReadMemory)
#define xmlDocGetRootElement VFD_DL_CALL(libxml2, xmlDocGetRootElement)
#define xmlDocSetRootElement VFD_DL_CALL(libxml2, xmlDocSetRootElement)
#define xmlFreeDoc VFD_DL_CALL(libxml2, xmlFreeDoc)
#define xmlFreeNode VFD_DL_CALL(libxml2, xmlFreeNode)
#define xmlFreeParserCtxt VFD_DL_CALL(libxml2, xmlFreeParserCtxt)
#define xmlGetExternalEntityLoader VFD_DL_CALL(libxml2, xmlGetExternalEntityLoader)
#define xmlGetLineNo VFD_DL_CALL(libxml2, xmlGetLineNo)
#define xmlGetNoNsProp VFD_DL_CALL(libxml2, xmlGetNoNsProp)
#define xmlNewChild VFD_DL_CALL(libxml2, xmlNewChild)
#define xmlNewDoc VFD_DL_CALL(libxml2, xmlNewDoc)
#define xmlNewNode VFD_DL_CALL(libxml2, xmlNewNode)
#define xmlNewNs VFD_DL_CALL(libxml2, xmlNewNs)
#define xmlNewParserCtxt VFD_DL_CALL(libxml2, xmlNewParserCtxt)
#define xmlNewProp VFD_DL_CALL(libxml2, xmlNewProp)
#define xmlNewTextChild VFD_DL_CALL(libxml2, xmlNewTextChild)
#define xmlNodeDump VFD_DL_CALL(libxml2, xmlNodeDump)
#define xmlNodeGetContent VFD_DL_CALL(libxml2, xmlNodeGetContent)
#define xmlSetExternalEntityLoader VFD_DL_CALL(libxml2, xmlSetExternalEntityLoader)
#define xmlSetNs VFD_DL_CALL(libxml2, xmlSetNs)
/* xmlFree is a variable holding a function; xmlIndentTreeOutput a macro over a function */
#define xmlFree VFD_DL_CALL(libxml2, xmlFree)
#define __xmlIndentTreeOutput VFD_DL_CALL(libxml2, __xmlIndentTreeOutput)
#endif

#ifdef ARCHIVE_VERSION_NUMBER
#define VFD_DL_ARCHIVE(X) \
	X(archive_entry_free) X(archive_entry_new) X(archive_entry_set_filetype) \
	X(archive_entry_set_gid) X(archive_entry_set_mtime) X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) X(archive_entry_set_size) X(archive_entry_set_symlink) \
	X(archive_entry_set_uid) X(archive_write_add_filter_gzip) \
	X(archive_write_add_filter_xz) X(archive_write_close) X(archive_write_data) \
	X(archive_write_free) X(archive_write_header) X(archive_write_new) \
	X(archive_write_open_fd) X(archive_write_set_format_pax_restricted) \
	X(archive_read_new) X(archive_read_support_filter_all) \
	X(archive_read_support_format_raw) X(archive_read_open_memory) \
	X(archive_read_next_header) X(archive_read_data) X(archive_read_free)
#define VFD_DL_DECLARE(sym) extern __typeof__(sym) *dl_##sym;
VFD_DL_ARCHIVE(VFD_DL_DECLARE)
#undef VFD_DL_DECLARE
#define archive_entry_free VFD_DL_CALL(libarchive, archive_entry_free)
#define archive_entry_new VFD_DL_CALL(libarchive, archive_entry_new)
#define archive_entry_set_filetype VFD_DL_CALL(libarchive, archive_entry_set_filetype)
#define archive_entry_set_gid VFD_DL_CALL(libarchive, archive_entry_set_gid)
#define archive_entry_set_mtime VFD_DL_CALL(libarchive, archive_entry_set_mtime)
#define archive_entry_set_pathname VFD_DL_CALL(libarchive, archive_entry_set_pathname)
#define archive_entry_set_perm VFD_DL_CALL(libarchive, archive_entry_set_perm)
#define archive_entry_set_size VFD_DL_CALL(libarchive, archive_entry_set_size)
#define archive_entry_set_symlink VFD_DL_CALL(libarchive, archive_entry_set_symlink)
#define archive_entry_set_uid VFD_DL_CALL(libarchive, archive_entry_set_uid)
#define archive_write_add_filter_gzip VFD_DL_CALL(libarchive, archive_write_add_filter_gzip)
#define archive_write_add_filter_xz VFD_DL_CALL(libarchive, archive_write_add_filter_xz)
#define archive_write_close VFD_DL_CALL(libarchive, archive_write_close)
#define archive_write_data VFD_DL_CALL(libarchive, archive_write_data)
#define archive_write_free VFD_DL_CALL(libarchive, archive_write_free)
#define archive_write_header VFD_DL_CALL(libarchive, archive_write_header)
#define archive_write_new VFD_DL_CALL(libarchive, archive_write_new)
#define archive_write_open_fd VFD_DL_CALL(libarchive, archive_write_open_fd)
#define archive_write_set_format_pax_restricted \
	VFD_DL_CALL(libarchive, archive_write_set_format_pax_restricted)
#define archive_read_new VFD_DL_CALL(libarchive, archive_read_new)
#define archive_read_support_filter_all VFD_DL_CALL(libarchive, archive_read_support_filter_all)
#define archive_read_support_format_raw VFD_DL_CALL(libarchive, archive_read_support_format_raw)
#define archive_read_open_memory VFD_DL_CALL(libarchive, archive_read_open_memory)
#define archive_read_next_header VFD_DL_CALL(libarchive, archive_read_next_header)
#define archive_read_data VFD_DL_CALL(libarchive, archive_read_data)
#define archive_read_free VFD_DL_CALL(libarchive, archive_read_free)
#endif

#ifdef _LIBKMOD_H_
#define VFD_DL_KMOD(X) \
	X(kmod_list_next) X(kmod_module_get_module) X(kmod_module_get_name) \
	X(kmod_module_get_path) X(kmod_module_new_from_lookup) \
	X(kmod_module_probe_insert_module) X(kmod_module_unref) X(kmod_module_unref_list) \
	X(kmod_new) X(kmod_set_log_fn) X(kmod_unref) X(kmod_module_get_dependencies) \
	X(kmod_module_get_info) X(kmod_module_info_get_key) X(kmod_module_info_get_value) \
	X(kmod_module_info_free_list) X(kmod_module_new_from_name) X(kmod_module_get_softdeps)
#define VFD_DL_DECLARE(sym) extern __typeof__(sym) *dl_##sym;
VFD_DL_KMOD(VFD_DL_DECLARE)
#undef VFD_DL_DECLARE
#define kmod_list_next VFD_DL_CALL(libkmod, kmod_list_next)
#define kmod_module_get_module VFD_DL_CALL(libkmod, kmod_module_get_module)
#define kmod_module_get_name VFD_DL_CALL(libkmod, kmod_module_get_name)
#define kmod_module_get_path VFD_DL_CALL(libkmod, kmod_module_get_path)
#define kmod_module_new_from_lookup VFD_DL_CALL(libkmod, kmod_module_new_from_lookup)
#define kmod_module_probe_insert_module VFD_DL_CALL(libkmod, kmod_module_probe_insert_module)
#define kmod_module_unref VFD_DL_CALL(libkmod, kmod_module_unref)
#define kmod_module_unref_list VFD_DL_CALL(libkmod, kmod_module_unref_list)
#define kmod_new VFD_DL_CALL(libkmod, kmod_new)
#define kmod_set_log_fn VFD_DL_CALL(libkmod, kmod_set_log_fn)
#define kmod_unref VFD_DL_CALL(libkmod, kmod_unref)
#define kmod_module_get_dependencies VFD_DL_CALL(libkmod, kmod_module_get_dependencies)
#define kmod_module_get_info VFD_DL_CALL(libkmod, kmod_module_get_info)
#define kmod_module_info_get_key VFD_DL_CALL(libkmod, kmod_module_info_get_key)
#define kmod_module_info_get_value VFD_DL_CALL(libkmod, kmod_module_info_get_value)
#define kmod_module_info_free_list VFD_DL_CALL(libkmod, kmod_module_info_free_list)
#define kmod_module_new_from_name VFD_DL_CALL(libkmod, kmod_module_new_from_name)
#define kmod_module_get_softdeps VFD_DL_CALL(libkmod, kmod_module_get_softdeps)
#endif

#endif
