#pragma once
// The staff console's built files (console/dist, issue 16), held in memory so that serving
// them reads no disk and a half-replaced directory on disk cannot mix two builds. Which file
// a /console/... path names is decided here, by pure functions; reading the directory is the
// app's (app/console_loader), answering is the API's (http/console_routes).
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace clue_router::http {

struct ConsoleAsset {
    std::string body;
    std::string content_type;
    std::string etag;  // strong, of the content: "\"<16 hex digits of its SHA-256>\""
    // Under assets/: Vite names them by a hash of their content, so a browser may keep them
    // for a year. Everything else (index.html) is revalidated on every load.
    bool immutable = false;
};

// "/console" or under "/console/" (the path as sent): the console's, not the API's.
bool is_console_path(std::string_view path);

// What a request path means for the console.
namespace console_path {
struct NotConsole {};  // not under /console
struct AddSlash {};    // "/console": 301 to "/console/"
struct File {          // a file of the build, by its path under the directory
    std::string relative;
};
struct Page {};     // a page of the single-page app ("/console/tickets/tkt_…"):
                    // index.html, whose script reads the address
struct Missing {};  // a file name (it has an extension) that the build lacks
using Meaning = std::variant<NotConsole, AddSlash, File, Page, Missing>;
}  // namespace console_path

class ConsoleAssets {
  public:
    // `files`: path under the directory ("index.html", "assets/index-3f2a.js") → content.
    // Throws std::invalid_argument when index.html is absent.
    explicit ConsoleAssets(std::map<std::string, std::string> files);

    // What `path` (the request's path, still percent-encoded) names among these files.
    console_path::Meaning resolve(std::string_view path) const;
    // nullptr when the build has no such file.
    const ConsoleAsset* find(std::string_view relative) const;
    const ConsoleAsset& index() const;
    std::size_t total_bytes() const { return total_bytes_; }
    std::size_t size() const { return assets_.size(); }

  private:
    std::map<std::string, ConsoleAsset, std::less<>> assets_;
    std::size_t total_bytes_ = 0;
};

// The Content-Type a file's name implies; application/octet-stream when unknown.
std::string console_content_type(std::string_view relative);

// The headers every console reply carries: the Content-Security-Policy allows only the
// service's own scripts, styles and API (no inline script, no CDN), and no framing.
std::string_view console_content_security_policy();

}  // namespace clue_router::http
