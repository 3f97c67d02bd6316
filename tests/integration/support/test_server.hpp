#pragma once
// TestServer: the real clue-router binary on a loopback port chosen by the kernel, with its
// own temporary directory and SQLite database. One per TEST_CASE.
//
//   TestServer server;                                   // started, ready
//   auto key = server.key_for("hotline-12309-sc", "intake");
//   auto r = server.client().get("/healthz");
//   server.restart();                                    // SIGTERM, exit 0, same database
//
// The server's log (stderr) goes to <dir>/server.log, across restarts; when the test fails
// the log is printed. Set CLUE_ROUTER_IT_KEEP=1 to keep the directory for a post-mortem.
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/http_client.hpp"
#include "integration/support/process.hpp"
#include "integration/support/sealed_columns_check.hpp"

#ifndef CLUE_ROUTER_BINARY
#error "CLUE_ROUTER_BINARY must name the clue-router executable"
#endif
#ifndef CLUE_ROUTER_SOURCE_DIR
#error "CLUE_ROUTER_SOURCE_DIR must name the repository"
#endif

namespace clue_router::it {

// Set by the listener in failure_listener.cpp when an assertion of the current test case
// fails; TestServer prints its log then.
inline std::atomic<bool>& current_test_failed() {
    static std::atomic<bool> failed{false};
    return failed;
}

inline std::string source_dir() {
    return CLUE_ROUTER_SOURCE_DIR;
}
inline std::string server_binary() {
    return CLUE_ROUTER_BINARY;
}
// The project's own sample clues, each with the key groups and urgency a careful reader
// gives it (tests/fixtures/clues.jsonl).
inline std::string sample_clues_path() {
    return source_dir() + "/tests/fixtures/clues.jsonl";
}
// The directory every TestServer seeds: Sichuan's province, two prefectures and four
// counties, and its intake agencies (tests/fixtures/directory.json). Tests rely on what it
// lacks as much as on what it holds (nobody serves Beijing), so it is the tests' own and
// not the demo's, which covers every province (config/demo-directory.json).
inline std::string test_directory_path() {
    return source_dir() + "/tests/fixtures/directory.json";
}

inline std::string trim(std::string s) {
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

// The non-blank lines of a command's output.
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!trim(line).empty()) out.push_back(line);
    }
    return out;
}

class TestServer {
  public:
    static constexpr std::chrono::seconds kStartTimeout{15};
    static constexpr std::chrono::seconds kStopTimeout{15};

    // extra_env: more CLUE_ROUTER_* overrides (e.g. {"CLUE_ROUTER_MAX_BODY_BYTES", "2048"}).
    explicit TestServer(Environment extra_env = {}, bool start_now = true)
        : extra_env_(std::move(extra_env)) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/clue-router-it-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
        }
        dir_ = pattern;
        write_data_keyring(data_keys_path());
        if (start_now) {
            try {
                start();
            } catch (...) {
                process_.kill_and_reap();
                remove_dir();
                throw;
            }
        }
    }

    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    ~TestServer() {
        const bool failed = current_test_failed().load() || std::uncaught_exceptions() > 0;
        if (process_.started() && !process_.running() && !stopped_) {
            // Nobody asked it to stop: it crashed or exited by itself.
            std::cerr << "[TestServer] clue-router ended on its own: "
                      << (process_.status() ? process_.status()->describe() : "?") << "\n";
            if (!failed) print_log("the server ended on its own");
        }
        if (process_.running()) {
            process_.signal(SIGTERM);
            if (!process_.wait_for(std::chrono::seconds(5))) process_.kill_and_reap();
        }
        process_.kill_and_reap();
        client_.reset();
        detach_exchange_log();
        if (failed) print_log("the test failed");
        if (!failed) {
            for (const std::string& column : unlisted_sealed_columns(database_path())) {
                FAIL_CHECK("sealed values in " << column
                                               << ", which storage/sealed_columns does not list");
            }
            check_replies_against_openapi();
        }
        remove_dir();
    }

    const std::string& dir() const { return dir_; }
    std::string database_path() const { return dir_ + "/db.sqlite"; }
    std::string log_path() const { return dir_ + "/server.log"; }
    std::string port_file() const { return dir_ + "/port"; }
    // Every reply this test received from this server, one JSON line each (exchange_log.hpp).
    std::string exchanges_path() const { return dir_ + "/exchanges.jsonl"; }
    // The data keyring (fresh random keys, mode 600) this server encrypts personal data with.
    std::string data_keys_path() const { return dir_ + "/data-keys"; }
    std::string config_path() const { return source_dir() + "/config/clue-router.json"; }
    unsigned short port() const { return port_; }
    pid_t pid() const { return process_.pid(); }
    // Changes a CLUE_ROUTER_* override for the next start() (as an administrator edits the
    // configuration between restarts).
    void set_env(const std::string& name, const std::string& value) { extra_env_[name] = value; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    bool running() { return process_.running(); }

    // What every clue-router command of this test runs with.
    Environment env() const {
        Environment env{
            {"CLUE_ROUTER_LISTEN_ADDRESS", "127.0.0.1"},
            {"CLUE_ROUTER_PORT", "0"},
            {"CLUE_ROUTER_PORT_FILE", port_file()},
            {"CLUE_ROUTER_DATABASE", database_path()},
            {"CLUE_ROUTER_DIRECTORY", test_directory_path()},
            {"CLUE_ROUTER_CRITERIA", source_dir() + "/config/criteria.json"},
            {"CLUE_ROUTER_DATA_KEYS_FILE", data_keys_path()},
            // The tests' webhook receivers listen on loopback; the shipped configuration
            // allows no private address, so the tests opt in, as an administrator would.
            {"CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128"},
            // People sign in with a password alone unless a test requires the second factor
            // (second_factor_test): the tests of other features are not about enrolment.
            {"CLUE_ROUTER_SECOND_FACTOR_REQUIRED_FOR", ""},
        };
        for (const auto& [k, v] : extra_env_) env[k] = v;
        return env;
    }

    // The server's log so far (all runs of this test).
    std::string log() const { return read_file(log_path()); }

    void start() {
        REQUIRE_FALSE(process_.running());
        std::error_code ec;
        std::filesystem::remove(port_file(), ec);
        Process::Options o;
        o.argv = {server_binary(), "serve", "--config", config_path()};
        o.env = env();
        o.cwd = source_dir();
        o.stderr_path = log_path();
        o.stdout_path = dir_ + "/server.out";
        o.append_stderr = true;
        process_ = Process(o);
        stopped_ = false;

        const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
        while (true) {
            if (!process_.running()) {
                print_log("the server ended while starting");
                FAIL("clue-router serve ended before it was ready: "
                     << process_.status()->describe());
            }
            if (auto port = read_port(); port && can_connect(*port)) {
                port_ = *port;
                break;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                print_log("the server was not ready in time");
                FAIL("clue-router serve did not write its port file within "
                     << kStartTimeout.count() << " s");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (client_) client_->set_port(port_);
        detach_exchange_log();
        ExchangeLog::instance().attach(port_, exchanges_path());
        attached_port_ = port_;
    }

    // A signal that the server handles and keeps running (SIGHUP: reload).
    void signal(int sig) { process_.signal(sig); }

    // SIGTERM (or another signal) and wait; the exit status, or nullopt after the timeout
    // (the process is then killed).
    std::optional<ExitStatus> terminate(int sig = SIGTERM) {
        if (client_) client_->close();
        stopped_ = true;
        process_.signal(sig);
        auto status = process_.wait_for(kStopTimeout);
        if (!status) process_.kill_and_reap();
        return status;
    }

    // Graceful stop: SIGTERM must end the server with exit code 0.
    void stop() {
        REQUIRE(process_.running());
        auto status = terminate(SIGTERM);
        if (!status || !status->success()) print_log("the server did not stop cleanly");
        REQUIRE(status.has_value());
        INFO("exit: " << status->describe());
        REQUIRE(status->success());
    }

    // Stop, then start again on the same database (the port may change).
    void restart() {
        stop();
        start();
    }

    // Runs `clue-router ARGS…` with this server's environment (same database), to the end.
    RunResult cli(const std::vector<std::string>& args,
                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
        std::vector<std::string> argv{server_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, env(), dir_, timeout, source_dir());
    }

    // A secret key for the agency and role, made once per test with `keys create`.
    const std::string& key_for(const std::string& agency, const std::string& role) {
        auto found = keys_.find({agency, role});
        if (found != keys_.end()) return found->second;
        auto r = cli({"keys", "create", "--config", config_path(), "--agency", agency, "--role",
                      role, "--label", "integration test"});
        INFO("keys create --agency " << agency << " --role " << role << "\nstdout: " << r.out
                                     << "\nstderr: " << r.err);
        REQUIRE(r.status.has_value());
        REQUIRE(r.status->success());
        std::string key = trim(r.out);
        REQUIRE_FALSE(key.empty());
        REQUIRE(key.find_first_of(" \t\r\n") == std::string::npos);
        CHECK(key.rfind("crk_", 0) == 0);
        return keys_.emplace(std::make_pair(agency, role), key).first->second;
    }

    // A keep-alive client that follows the server across restarts.
    HttpClient& client() {
        if (!client_) client_ = std::make_unique<HttpClient>(port_);
        client_->set_port(port_);
        return *client_;
    }

    void print_log(const std::string& why) const {
        std::string text = log();
        constexpr std::size_t kMax = 30000;
        if (text.size() > kMax) text = "…" + text.substr(text.size() - kMax);
        std::cerr << "\n===== clue-router log (" << why << "; " << log_path() << ") =====\n"
                  << text << "\n===== end of log =====\n";
    }

    // Writes a keyring with random keys, as `openssl rand -hex 32` would make them.
    static void write_data_keyring(const std::string& path) {
        std::ifstream random("/dev/urandom", std::ios::binary);
        auto hex_key = [&] {
            static constexpr char kHex[] = "0123456789abcdef";
            std::string out;
            for (int i = 0; i < 32; ++i) {
                const auto c = static_cast<unsigned char>(random.get());
                out += kHex[c >> 4];
                out += kHex[c & 0x0f];
            }
            return out;
        };
        {
            std::ofstream out(path, std::ios::trunc);
            out << "current=test-1\ndata.test-1=" << hex_key() << "\nindex=" << hex_key() << "\n";
        }
        std::filesystem::permissions(
            path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }

  private:
    void detach_exchange_log() {
        if (attached_port_ != 0) ExchangeLog::instance().detach(attached_port_);
        attached_port_ = 0;
    }

    // The contract: every reply this test received agrees with docs/openapi.json (status
    // documented for the operation, headers, body against its schema). One node process per
    // server, over the whole record.
    void check_replies_against_openapi() const {
        if (!std::filesystem::exists(exchanges_path())) return;
        const auto r = run({"node", source_dir() + "/tests/interop/openapi_check.mjs",
                            source_dir() + "/docs/openapi.json", exchanges_path()},
                           {}, dir_, std::chrono::seconds(60));
        if (!r.success()) {
            FAIL_CHECK("replies that disagree with docs/openapi.json:\n" << r.out << r.err);
        }
    }

    void remove_dir() const {
        const char* keep = std::getenv("CLUE_ROUTER_IT_KEEP");
        if (keep != nullptr && std::string(keep) == "1") {
            std::cerr << "[TestServer] kept " << dir_ << "\n";
            return;
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::optional<unsigned short> read_port() const {
        std::string text = trim(read_file(port_file()));
        if (text.empty() || text.size() > 5) return std::nullopt;
        if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
            return std::nullopt;
        int port = std::stoi(text);
        if (port <= 0 || port > 65535) return std::nullopt;
        return static_cast<unsigned short>(port);
    }

    static bool can_connect(unsigned short port) {
        asio::io_context ioc;
        tcp::socket socket(ioc);
        beast::error_code ec;
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (ec) return false;
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        return true;
    }

    Environment extra_env_;
    std::string dir_;
    Process process_;
    unsigned short port_ = 0;
    bool stopped_ = false;  // terminate() was called since the last start()
    std::map<std::pair<std::string, std::string>, std::string> keys_;
    std::unique_ptr<HttpClient> client_;
    unsigned short attached_port_ = 0;  // the port whose exchanges go to exchanges_path()
};

}  // namespace clue_router::it
