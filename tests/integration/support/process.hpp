#pragma once
// A child process for the integration tests: spawned with posix_spawn, an environment made
// from ours plus overrides, stdout and stderr sent to files, waited for with a deadline,
// signalled, and always reaped.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace clue_router::it {

// How a child ended.
struct ExitStatus {
    bool exited = false;  // ended by exit(); otherwise by a signal
    int code = -1;        // exit code when exited
    int signal = 0;       // the signal otherwise

    bool success() const { return exited && code == 0; }
    std::string describe() const {
        if (exited) return "exit code " + std::to_string(code);
        return "signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
    }
};

using Environment = std::map<std::string, std::string>;

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Our environment without any CLUE_ROUTER_* variable (so a developer's shell cannot change
// what a test does), then the overrides.
inline std::vector<std::string> make_environment(const Environment& overrides) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        std::string name(entry.substr(0, eq));
        if (name.rfind("CLUE_ROUTER_", 0) == 0) continue;
        env[name] = std::string(entry.substr(eq + 1));
    }
    for (const auto& [name, value] : overrides) env[name] = value;
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [name, value] : env) out.push_back(name + "=" + value);
    return out;
}

class Process {
  public:
    struct Options {
        std::vector<std::string> argv;  // argv[0] is the executable's path (or a name on PATH)
        Environment env;                // added to (a cleaned copy of) our environment
        std::string cwd;                // empty: ours
        std::string stdout_path;        // empty: /dev/null
        std::string stderr_path;        // empty: /dev/null
        bool append_stderr = false;     // keep what the file already holds
    };

    Process() = default;
    explicit Process(const Options& options) { spawn(options); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    Process(Process&& other) noexcept { *this = std::move(other); }
    Process& operator=(Process&& other) noexcept {
        if (this != &other) {
            kill_and_reap();
            pid_ = std::exchange(other.pid_, -1);
            status_ = std::exchange(other.status_, std::nullopt);
        }
        return *this;
    }
    ~Process() { kill_and_reap(); }

    pid_t pid() const { return pid_; }
    bool started() const { return pid_ > 0; }

    // True while the child has not been reaped (and is not a zombie we could reap now).
    bool running() {
        if (pid_ <= 0 || status_) return false;
        poll();
        return !status_;
    }

    void signal(int sig) const {
        if (pid_ > 0 && !status_) ::kill(pid_, sig);
    }

    // Waits until the child ends or the timeout passes; nullopt on timeout.
    std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            if (status_ || pid_ <= 0) return status_;
            poll();
            if (status_) return status_;
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    std::optional<ExitStatus> status() const { return status_; }

    // SIGKILL and reap, if the child still runs.
    void kill_and_reap() {
        if (pid_ <= 0) return;
        if (!status_) {
            ::kill(pid_, SIGKILL);
            int raw = 0;
            while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
            }
            status_ = decode(raw);
        }
        pid_ = -1;
    }

  private:
    static ExitStatus decode(int raw) {
        ExitStatus s;
        if (WIFEXITED(raw)) {
            s.exited = true;
            s.code = WEXITSTATUS(raw);
        } else if (WIFSIGNALED(raw)) {
            s.signal = WTERMSIG(raw);
        }
        return s;
    }

    void poll() {
        int raw = 0;
        pid_t r = ::waitpid(pid_, &raw, WNOHANG);
        if (r == pid_) status_ = decode(raw);
    }

    void spawn(const Options& o) {
        if (o.argv.empty()) throw std::invalid_argument("Process: empty argv");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string out = o.stdout_path.empty() ? "/dev/null" : o.stdout_path;
        const std::string err = o.stderr_path.empty() ? "/dev/null" : o.stderr_path;
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(
            &actions, STDERR_FILENO, err.c_str(),
            O_WRONLY | O_CREAT | (o.append_stderr ? O_APPEND : O_TRUNC), 0600);
        if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, o.cwd.c_str());

        std::vector<std::string> args = o.argv;
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_strings = make_environment(o.env);
        std::vector<char*> envp;
        for (auto& e : env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);

        pid_t pid = -1;
        int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            throw std::runtime_error("posix_spawn " + o.argv[0] + ": " + std::strerror(rc));
        }
        pid_ = pid;
        status_.reset();
    }

    pid_t pid_ = -1;
    std::optional<ExitStatus> status_;
};

// The result of a command run to its end.
struct RunResult {
    std::optional<ExitStatus> status;  // nullopt: killed after the timeout
    std::string out;
    std::string err;
    bool success() const { return status && status->success(); }
};

// Runs a command to completion, capturing stdout and stderr through files in scratch_dir.
inline RunResult run(const std::vector<std::string>& argv, const Environment& env,
                     const std::string& scratch_dir, std::chrono::milliseconds timeout,
                     const std::string& cwd = {}) {
    static int counter = 0;
    const std::string stem =
        scratch_dir + "/run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    Process::Options o;
    o.argv = argv;
    o.env = env;
    o.cwd = cwd;
    o.stdout_path = stem + ".out";
    o.stderr_path = stem + ".err";
    Process p(o);
    RunResult r;
    r.status = p.wait_for(timeout);
    if (!r.status) p.kill_and_reap();
    r.out = read_file(o.stdout_path);
    r.err = read_file(o.stderr_path);
    ::unlink(o.stdout_path.c_str());
    ::unlink(o.stderr_path.c_str());
    return r;
}

}  // namespace clue_router::it
