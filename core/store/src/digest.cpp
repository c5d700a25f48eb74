#include <openssl/evp.h>

#include <bit>
#include <cstring>
#include <memory>
#include <string>

#include "perfgate/store/store.hpp"

namespace perfgate::store {

namespace {

// Incremental SHA-256 (OpenSSL EVP) with length-prefixed fields, so that no two
// different field sequences hash the same byte stream.
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
      throw StoreError("SHA-256 is not available from OpenSSL");
    }
  }
  // Fields are a few bytes each: they are gathered and hashed 64 KB at a time,
  // since a call into OpenSSL per field costs more than hashing it.
  void Raw(const void* data, std::size_t size) {
    pending_.append(static_cast<const char*>(data), size);
    if (pending_.size() >= kChunk) Flush();
  }
  void Field(std::string_view text) {
    Number(text.size());
    Raw(text.data(), text.size());
  }
  void Number(std::uint64_t value) { Raw(&value, sizeof value); }
  void Number(double value) { Number(std::bit_cast<std::uint64_t>(value)); }
  std::string Hex() {
    Flush();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 15];
    }
    return hex;
  }

 private:
  static constexpr std::size_t kChunk = 64 * 1024;
  void Flush() {
    EVP_DigestUpdate(context_.get(), pending_.data(), pending_.size());
    pending_.clear();
  }

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
  std::string pending_;
};

}  // namespace

std::string HashToken(std::string_view token) {
  Sha256 sha;
  sha.Raw(token.data(), token.size());
  return sha.Hex();
}

std::string ContentDigest(const model::Results& report) {
  Sha256 sha;
  sha.Field(report.format);
  sha.Number(static_cast<std::uint64_t>(report.benchmarks.size()));
  for (const model::Benchmark& benchmark : report.benchmarks) {
    sha.Field(benchmark.name);
    sha.Field(benchmark.label);
    sha.Field(benchmark.error.value_or(""));
    sha.Number(static_cast<std::uint64_t>(benchmark.error.has_value() + 2 * benchmark.skipped));
    sha.Number(static_cast<std::uint64_t>(benchmark.metrics.size()));
    for (const model::Metric& metric : benchmark.metrics) {
      sha.Field(metric.name);
      sha.Field(metric.unit);
      sha.Field(model::ToString(metric.direction));
      sha.Number(static_cast<std::uint64_t>(metric.samples.size()));
      for (double sample : metric.samples) sha.Number(sample);
      sha.Number(static_cast<std::uint64_t>(metric.aggregates.size()));
      for (const auto& [name, value] : metric.aggregates) {
        sha.Field(name);
        sha.Number(value);
      }
    }
    sha.Number(static_cast<std::uint64_t>(benchmark.fits.size()));
    for (const model::ComplexityFit& fit : benchmark.fits) {
      sha.Field(fit.metric);
      sha.Field(fit.complexity);
      sha.Number(fit.coefficient);
      sha.Number(fit.rms.value_or(-1.0));
    }
  }
  return sha.Hex();
}

}  // namespace perfgate::store
