#pragma once
// The record of every reply a test receives from a TestServer, for the check against
// docs/openapi.json (tests/interop/openapi_check.mjs) when the TestServer ends.
//
// A TestServer attaches its port to a file in its directory; every HttpClient request and
// every raw_exchange to that port appends one JSON line: {"method", "target", "status",
// "headers": {lower-case name: value}, "body", "raw"}. A port no TestServer attached (a
// webhook receiver, a stranger) is not recorded. Every webhook a WebhookReceiver reads is
// recorded too, as {"webhook": true, "headers", "body"}, in the file of each server then
// running (a test runs one). Clients on several threads share the file, so appends are
// serialised.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace clue_router::it {

class ExchangeLog {
  public:
    static ExchangeLog& instance() {
        static ExchangeLog log;
        return log;
    }

    void attach(unsigned short port, std::string path) {
        std::lock_guard lock(mutex_);
        files_[port] = std::move(path);
    }
    void detach(unsigned short port) {
        std::lock_guard lock(mutex_);
        files_.erase(port);
    }

    template <typename HeaderRange>
    void record_webhook(const HeaderRange& headers, const std::string& body) {
        std::lock_guard lock(mutex_);
        std::map<std::string, bool> written;
        for (const auto& [port, path] : files_) {
            if (written[path]) continue;
            written[path] = true;
            append(path, {{"webhook", true}, {"headers", lower_case(headers)}, {"body", body}});
        }
    }

    template <typename HeaderRange>
    void record(unsigned short port, const std::string& method, const std::string& target,
                int status, const HeaderRange& headers, const std::string& body, bool raw) {
        std::lock_guard lock(mutex_);
        const auto file = files_.find(port);
        if (file == files_.end()) return;
        append(file->second, {{"method", method},
                              {"target", target},
                              {"status", status},
                              {"headers", lower_case(headers)},
                              {"body", body},
                              {"raw", raw}});
    }

  private:
    // Header names in lower case; a repeated header's values joined with ", ".
    template <typename HeaderRange>
    static nlohmann::json lower_case(const HeaderRange& headers) {
        nlohmann::json names = nlohmann::json::object();
        for (const auto& field : headers) {
            std::string lower(field.first);
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            auto& slot = names[lower];
            slot = slot.is_string() ? slot.get<std::string>() + ", " + std::string(field.second)
                                    : std::string(field.second);
        }
        return names;
    }

    static void append(const std::string& path, const nlohmann::json& line) {
        std::ofstream out(path, std::ios::app);
        out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }

    std::mutex mutex_;
    std::map<unsigned short, std::string> files_;
};

}  // namespace clue_router::it
