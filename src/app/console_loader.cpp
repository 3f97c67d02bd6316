#include "clue_router/app/console_loader.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

namespace clue_router::app {

namespace {

namespace fs = std::filesystem;

// The console is a few hundred kilobytes; a directory this large is the wrong one (a
// node_modules, a home directory) and would sit in every instance's memory.
constexpr std::uintmax_t kMaxTotalBytes = 32u << 20;

std::string read_whole(const fs::path& file, const std::string& dir) {
    std::ifstream in(file, std::ios::binary);
    std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) {
        throw std::runtime_error("console_dir: cannot read " + file.string() + " in " + dir);
    }
    return body;
}

}  // namespace

std::shared_ptr<const http::ConsoleAssets> load_console(const std::string& dir) {
    if (dir.empty()) return nullptr;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw std::runtime_error("console_dir: " + dir +
                                 " is not a directory (build the console: docs/console.md)");
    }
    std::map<std::string, std::string> files;
    std::uintmax_t total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        total += entry.file_size();
        if (total > kMaxTotalBytes) {
            throw std::runtime_error("console_dir: " + dir +
                                     " holds more than 32 MiB: is it the console's build?");
        }
        files.emplace(fs::relative(entry.path(), dir).generic_string(),
                      read_whole(entry.path(), dir));
    }
    if (files.find("index.html") == files.end()) {
        throw std::runtime_error("console_dir: " + dir +
                                 " has no index.html (build the console: docs/console.md)");
    }
    return std::make_shared<const http::ConsoleAssets>(std::move(files));
}

}  // namespace clue_router::app
