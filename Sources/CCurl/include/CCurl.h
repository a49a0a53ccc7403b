#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>
#include <stddef.h>

/// Signature shared by CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

/// Runs curl_global_init(CURL_GLOBAL_ALL) exactly once per process (pthread_once) and
/// returns its result on every call.
CURLcode ccurl_global_init_once(void);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);
CURLcode ccurl_easy_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
CURLcode ccurl_easy_setopt_share(CURL *handle, CURLSH *share);
/// Sets a CURLOPTTYPE_BLOB option without copying: `data` must outlive every transfer using it.
CURLcode ccurl_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLSHcode ccurl_share_setopt_lock_data(CURLSH *share, CURLSHoption option, curl_lock_data data);

/// Accessors for CURLMsg (its result lives in a union).
int ccurl_message_is_done(const CURLMsg *message);
CURL *ccurl_message_easy_handle(const CURLMsg *message);
CURLcode ccurl_message_result(const CURLMsg *message);

/// Values of macros Swift cannot import reliably.
size_t ccurl_writefunc_pause(void);
int ccurl_pause_continue(void);
int ccurl_error_size(void);

/// Names the calling thread (visible in top -H, gdb); at most 15 characters are kept.
void ccurl_name_current_thread(const char *name);

#endif
