#include "clue_router/http/console_assets.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "clue_router/service/crypto.hpp"

namespace clue_router::http {

namespace {

constexpr std::string_view kPrefix = "/console/";
constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kHashedDir = "assets/";

std::string_view extension_of(std::string_view relative) {
    const auto slash = relative.rfind('/');
    const auto name = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
    const auto dot = name.rfind('.');
    return dot == std::string_view::npos || dot == 0 ? std::string_view{} : name.substr(dot + 1);
}

}  // namespace

std::string console_content_type(std::string_view relative) {
    // What Vite emits and a browser needs told: text types carry their charset, since the
    // catalogues are Chinese.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
        {"html", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"map", "application/json"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
        {"txt", "text/plain; charset=utf-8"},
        {"webmanifest", "application/manifest+json"},
    }};
    const auto ext = extension_of(relative);
    for (const auto& [name, type] : kTypes) {
        if (name == ext) return std::string(type);
    }
    return "application/octet-stream";
}

std::string_view console_content_security_policy() {
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'";
}

ConsoleAssets::ConsoleAssets(std::map<std::string, std::string> files) {
    if (files.find(std::string(kIndex)) == files.end()) {
        throw std::invalid_argument("the console build has no index.html");
    }
    for (auto& [relative, body] : files) {
        ConsoleAsset asset;
        asset.content_type = console_content_type(relative);
        asset.etag = "\"" + service::sha256_hex(body).substr(0, 16) + "\"";
        asset.immutable = relative.starts_with(kHashedDir);
        total_bytes_ += body.size();
        asset.body = std::move(body);
        assets_.emplace(relative, std::move(asset));
    }
}

const ConsoleAsset* ConsoleAssets::find(std::string_view relative) const {
    const auto it = assets_.find(relative);
    return it == assets_.end() ? nullptr : &it->second;
}

const ConsoleAsset& ConsoleAssets::index() const {
    return *find(kIndex);
}

bool is_console_path(std::string_view path) {
    return path == kPrefix.substr(0, kPrefix.size() - 1) || path.starts_with(kPrefix);
}

console_path::Meaning ConsoleAssets::resolve(std::string_view path) const {
    if (!is_console_path(path)) return console_path::NotConsole{};
    if (!path.starts_with(kPrefix)) return console_path::AddSlash{};  // "/console" itself
    const auto relative = path.substr(kPrefix.size());
    if (relative.empty()) return console_path::Page{};
    // Only the build's own files are looked up, by exact name: no path reaches the disk, so
    // "..", encoded or not, names nothing.
    if (find(relative) != nullptr) return console_path::File{std::string(relative)};
    if (!extension_of(relative).empty()) return console_path::Missing{};
    return console_path::Page{};
}

}  // namespace clue_router::http
