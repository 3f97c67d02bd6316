#include "clue_router/service/data_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "clue_router/domain/sealed_value.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::service {
namespace {

constexpr std::size_t kKeyBytes = 32;    // AES-256, and the HMAC key
constexpr std::size_t kNonceBytes = 12;  // the GCM nonce size NIST SP 800-38D recommends
constexpr std::size_t kTagBytes = 16;

// Fetched once for the process (see crypto.cpp: OpenSSL 3 otherwise looks the algorithm up
// by name on every seal and open).
const EVP_CIPHER* aes_256_gcm() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (cipher == nullptr) throw std::runtime_error("AES-256-GCM is not available");
    return cipher;
}

struct CipherContext {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    CipherContext() {
        if (ctx == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
    }
    ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
    CipherContext(const CipherContext&) = delete;
    CipherContext& operator=(const CipherContext&) = delete;
};

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

int length(std::string_view s) {
    if (s.size() > static_cast<std::size_t>(1) << 30) throw std::runtime_error("value too long");
    return static_cast<int>(s.size());
}

std::string from_hex(std::string_view hex, const std::string& what) {
    if (hex.size() != kKeyBytes * 2) {
        throw std::runtime_error(what + " must be " + std::to_string(kKeyBytes * 2) +
                                 " hex digits (openssl rand -hex 32)");
    }
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int v = 0;
        for (std::size_t k = 0; k < 2; ++k) {
            const char c = hex[i + k];
            int d = -1;
            if (c >= '0' && c <= '9') d = c - '0';
            if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) throw std::runtime_error(what + " must be hex digits");
            v = v * 16 + d;
        }
        out.push_back(static_cast<char>(v));
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::shared_ptr<const DataKeyring> DataKeyring::parse(std::string_view text) {
    std::shared_ptr<DataKeyring> ring(new DataKeyring());
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto end = text.find_first_of("\n;");
        std::string_view entry = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;
        if (const auto hash = entry.find('#'); hash != std::string_view::npos) {
            entry = entry.substr(0, hash);
        }
        entry = trim(entry);
        if (entry.empty()) continue;
        const auto eq = entry.find('=');
        const std::string where = "keyring entry " + std::to_string(line_number);
        if (eq == std::string_view::npos) throw std::runtime_error(where + ": expected name=value");
        const std::string_view name = trim(entry.substr(0, eq));
        const std::string_view value = trim(entry.substr(eq + 1));
        if (name == "current") {
            if (!domain::valid_key_id(value)) {
                throw std::runtime_error(where + ": a key id is 1-32 letters, digits, - or _");
            }
            ring->current_ = std::string(value);
        } else if (name == "index") {
            ring->index_key_ = from_hex(value, where + " (index)");
        } else if (name.starts_with("data.")) {
            const std::string id(name.substr(5));
            if (!domain::valid_key_id(id)) {
                throw std::runtime_error(where + ": a key id is 1-32 letters, digits, - or _");
            }
            if (ring->data_keys_.contains(id))
                throw std::runtime_error(where + ": key id repeated");
            ring->data_keys_[id] = from_hex(value, where + " (data." + id + ")");
        } else {
            throw std::runtime_error(where + ": unknown name (current, data.<id> or index)");
        }
    }
    if (ring->current_.empty()) throw std::runtime_error("the keyring names no current key");
    if (!ring->data_keys_.contains(ring->current_)) {
        throw std::runtime_error("the keyring's current key " + ring->current_ + " has no data." +
                                 ring->current_ + " entry");
    }
    if (ring->index_key_.empty()) throw std::runtime_error("the keyring has no index key");
    for (const auto& [id, key] : ring->data_keys_) {
        if (key == ring->index_key_) {
            throw std::runtime_error("the index key must differ from every data key");
        }
    }
    return ring;
}

std::string DataKeyring::with_new_data_key(std::string_view existing, domain::Timestamp now) {
    std::string date = domain::format_rfc3339(now).substr(0, 10);
    std::erase(date, '-');
    const std::string id = "dk" + date + "-" + hex_encode(random_bytes(3));
    const std::string key = hex_encode(random_bytes(kKeyBytes));
    if (trim(existing).empty()) {
        return "current=" + id + "\ndata." + id + "=" + key +
               "\nindex=" + hex_encode(random_bytes(kKeyBytes)) + "\n";
    }
    auto ring = parse(existing);
    auto copy = std::shared_ptr<DataKeyring>(new DataKeyring());
    copy->data_keys_ = ring->data_keys_;
    copy->index_key_ = ring->index_key_;
    copy->data_keys_[id] = from_hex(key, "new key");
    copy->current_ = id;
    return copy->to_text();
}

DataKeyring::~DataKeyring() {
    for (auto& [id, key] : data_keys_) OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(index_key_.data(), index_key_.size());
}

std::string DataKeyring::to_text() const {
    std::string out = "current=" + current_ + "\n";
    for (const auto& [id, key] : data_keys_) out += "data." + id + "=" + hex_encode(key) + "\n";
    out += "index=" + hex_encode(index_key_) + "\n";
    return out;
}

std::string DataKeyring::seal(std::string_view plain, std::string_view context) const {
    const std::string& key = data_keys_.at(current_);
    domain::SealedValue sealed{current_, random_bytes(kNonceBytes), {}};
    CipherContext c;
    std::vector<unsigned char> out(plain.size() + kTagBytes);
    int n = 0;
    int total = 0;
    if (EVP_EncryptInit_ex(c.ctx, aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
        EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, bytes(key), bytes(sealed.nonce)) != 1 ||
        EVP_EncryptUpdate(c.ctx, nullptr, &n, bytes(context), length(context)) != 1 ||
        EVP_EncryptUpdate(c.ctx, out.data(), &n, bytes(plain), length(plain)) != 1) {
        throw std::runtime_error("AES-256-GCM encryption failed");
    }
    total = n;
    if (EVP_EncryptFinal_ex(c.ctx, out.data() + total, &n) != 1) {
        throw std::runtime_error("AES-256-GCM encryption failed");
    }
    total += n;
    if (EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, out.data() + total) != 1) {
        throw std::runtime_error("AES-256-GCM encryption failed");
    }
    total += static_cast<int>(kTagBytes);
    sealed.ciphertext.assign(reinterpret_cast<const char*>(out.data()),
                             static_cast<std::size_t>(total));
    OPENSSL_cleanse(out.data(), out.size());
    return domain::format_sealed(sealed);
}

std::string DataKeyring::open(std::string_view text, std::string_view context) const {
    const auto sealed = domain::parse_sealed(text);
    if (!sealed || sealed->nonce.size() != kNonceBytes || sealed->ciphertext.size() < kTagBytes) {
        throw std::runtime_error("not a sealed value");
    }
    const auto key = data_keys_.find(sealed->key_id);
    if (key == data_keys_.end()) {
        throw std::runtime_error("sealed under key " + sealed->key_id +
                                 ", which the keyring does not hold");
    }
    const std::size_t body = sealed->ciphertext.size() - kTagBytes;
    std::string tag = sealed->ciphertext.substr(body);
    std::string plain(body, '\0');
    CipherContext c;
    int n = 0;
    if (EVP_DecryptInit_ex(c.ctx, aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
        EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, bytes(key->second), bytes(sealed->nonce)) !=
            1 ||
        EVP_DecryptUpdate(c.ctx, nullptr, &n, bytes(context), length(context)) != 1 ||
        EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(plain.data()), &n,
                          bytes(sealed->ciphertext), static_cast<int>(body)) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1) {
        throw std::runtime_error("AES-256-GCM decryption failed");
    }
    int tail = 0;
    if (EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(plain.data()) + n, &tail) !=
        1) {
        OPENSSL_cleanse(plain.data(), plain.size());
        throw std::runtime_error("authentication failed (tampered, moved or wrong key)");
    }
    return plain;
}

std::string DataKeyring::key_id_of(std::string_view text) const {
    const auto sealed = domain::parse_sealed(text);
    return sealed ? sealed->key_id : std::string();
}

std::string DataKeyring::blind_index(std::string_view term) const {
    return hex_encode(hmac_sha256(index_key_, term));
}

}  // namespace clue_router::service
