import CCurl

/// Sets curl options on an easy handle, remembering the first failure.
struct CurlOptionWriter {
    let handle: UnsafeMutableRawPointer
    private(set) var failure: (option: String, code: CURLcode)?

    init(handle: UnsafeMutableRawPointer) { self.handle = handle }

    private mutating func record(_ code: CURLcode, _ name: String) {
        if code != CURLE_OK, failure == nil { failure = (name, code) }
    }

    mutating func set(_ option: CURLoption, _ value: Int, _ name: String) {
        record(ccurl_easy_setopt_long(handle, option, value), name)
    }

    mutating func set(_ option: CURLoption, offset value: Int64, _ name: String) {
        record(ccurl_easy_setopt_off(handle, option, curl_off_t(value)), name)
    }

    mutating func set(_ option: CURLoption, _ value: String?, _ name: String) {
        if let value {
            record(ccurl_easy_setopt_string(handle, option, value), name)
        } else {
            record(ccurl_easy_setopt_string(handle, option, nil), name)
        }
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?, _ name: String) {
        record(ccurl_easy_setopt_pointer(handle, option, value), name)
    }

    mutating func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?, _ name: String) {
        record(ccurl_easy_setopt_slist(handle, option, list), name)
    }

    mutating func set(_ option: CURLoption, blob: SecretBytes, _ name: String) {
        record(ccurl_easy_setopt_blob(handle, option, blob.baseAddress, blob.count), name)
    }

    mutating func set(_ option: CURLoption, callback: ccurl_data_callback, _ name: String) {
        record(ccurl_easy_setopt_callback(handle, option, callback), name)
    }

    mutating func share(_ share: UnsafeMutableRawPointer) {
        record(ccurl_easy_setopt_share(handle, share), "CURLOPT_SHARE")
    }
}
