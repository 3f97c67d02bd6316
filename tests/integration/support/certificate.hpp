#pragma once
// A fresh self-signed certificate for a host name, made with the openssl command in a
// temporary directory that goes with the object: tests of the HTTPS listener and of https
// webhook endpoints trust exactly this certificate and nothing else.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/process.hpp"

namespace clue_router::it {

class Certificate {
  public:
    explicit Certificate(const std::string& name = "localhost") {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "clue-router-tls-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir_ = pattern;
        RunResult r =
            run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key(), "-out", cert(),
                 "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name},
                {}, dir_, std::chrono::seconds(30));
        INFO(r.err);
        REQUIRE(r.success());
    }
    ~Certificate() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Certificate(const Certificate&) = delete;
    Certificate& operator=(const Certificate&) = delete;

    std::string cert() const { return dir_ + "/cert.pem"; }
    std::string key() const { return dir_ + "/key.pem"; }

  private:
    std::string dir_;
};

}  // namespace clue_router::it
