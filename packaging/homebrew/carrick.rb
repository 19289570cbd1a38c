# Homebrew formula for carrick, built from source (HEAD only for now):
#   brew install --HEAD ./packaging/homebrew/carrick.rb
# or, from a tap that holds this file:
#   brew install --HEAD carrick-go/carrick/carrick
class Carrick < Formula
  desc "Run Linux ARM64 programs and OCI containers as native macOS processes"
  homepage "https://github.com/carrick-go/carrick"
  head "https://github.com/carrick-go/carrick.git", branch: "main"

  depends_on "go" => :build
  depends_on arch: :arm64
  depends_on :macos

  def install
    ENV["CGO_ENABLED"] = "0"
    cmds = %w[carrick carrick-runtime containerd-shim-carrick-v2].select { |c| (buildpath/"cmd"/c).directory? }
    cmds.each do |c|
      system "go", "build", *std_go_args(output: bin/c, ldflags: "-s -w"), "./cmd/#{c}"
      # Hypervisor.framework refuses a process without this entitlement
      # (HV_DENIED); an ad-hoc signature carries it. Homebrew's own later
      # re-signing preserves entitlements.
      system "codesign", "--force", "--sign", "-",
             "--entitlements", buildpath/"packaging/macos/carrick.entitlements", bin/c
    end
  end

  def caveats
    <<~EOS
      carrick keeps Linux file names as they are: put container roots on a
      case-sensitive APFS volume (see `carrick` errors for the command), e.g.
        diskutil apfs addVolume disk3 "Case-sensitive APFS" carrick
    EOS
  end

  test do
    assert_match "entitlements", shell_output("codesign -d --entitlements - #{bin}/carrick 2>&1")
    assert_match "com.apple.security.hypervisor", shell_output("codesign -d --entitlements - --xml #{bin}/carrick 2>&1")
    system bin/"carrick", "--help"
  end
end
