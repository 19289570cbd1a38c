package codesign

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func plist(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
` + body + `
</plist>
`)
}

// unhex decodes hex with spaces and quoted ASCII runs ('abc').
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	var out []byte
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, "'") {
			out = append(out, strings.Trim(f, "'")...)
			continue
		}
		b, err := hex.DecodeString(f)
		if err != nil {
			t.Fatalf("bad hex %q: %v", f, err)
		}
		out = append(out, b...)
	}
	return out
}

// The expected bytes are worked out by hand from the layout in der.go;
// the first few are the shapes Apple's codesign writes (see der.go).
func TestEncodeDER(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		name, body, want string
	}{
		{"empty dict", `<dict/>`, `70 05 02 01 01 b0 00`},
		{"bool true", `<dict><key>key</key><true/></dict>`,
			`70 0f 02 01 01 b0 0a 30 08 0c 03 'key' 01 01 ff`},
		{"bool false", `<dict><key>key</key><false/></dict>`,
			`70 0f 02 01 01 b0 0a 30 08 0c 03 'key' 01 01 00`},
		{"integer 42", `<dict><key>key</key><integer>42</integer></dict>`,
			`70 0f 02 01 01 b0 0a 30 08 0c 03 'key' 02 01 2a`},
		{"integer -1", `<dict><key>key</key><integer>-1</integer></dict>`,
			`70 0f 02 01 01 b0 0a 30 08 0c 03 'key' 02 01 ff`},
		{"integer 128 needs a sign byte", `<dict><key>key</key><integer>128</integer></dict>`,
			`70 10 02 01 01 b0 0b 30 09 0c 03 'key' 02 02 00 80`},
		{"integer -129", `<dict><key>key</key><integer>-129</integer></dict>`,
			`70 10 02 01 01 b0 0b 30 09 0c 03 'key' 02 02 ff 7f`},
		{"integer -128 fits one byte", `<dict><key>key</key><integer>-128</integer></dict>`,
			`70 0f 02 01 01 b0 0a 30 08 0c 03 'key' 02 01 80`},
		{"string", `<dict><key>key</key><string>value</string></dict>`,
			`70 13 02 01 01 b0 0e 30 0c 0c 03 'key' 0c 05 'value'`},
		{"array", `<dict><key>key</key><array><true/><string>foo</string></array></dict>`,
			`70 16 02 01 01 b0 11 30 0f 0c 03 'key' 30 08 01 01 ff 0c 03 'foo'`},
		{"nested dict", `<dict><key>key</key><dict><key>inner</key><false/></dict></dict>`,
			`70 1a 02 01 01 b0 15 30 13 0c 03 'key' b0 0c 30 0a 0c 05 'inner' 01 01 00`},
		{"keys sorted by bytes", `<dict>
			<key>key3</key><integer>42</integer>
			<key>key</key><false/>
			<key>key2</key><true/>
		</dict>`,
			`70 25 02 01 01 b0 20 30 08 0c 03 'key' 01 01 00 30 09 0c 04 'key2' 01 01 ff 30 09 0c 04 'key3' 02 01 2a`},
		{"hypervisor", `<dict>
	<key>com.apple.security.hypervisor</key>
	<true/>
</dict>`,
			`70 29 02 01 01 b0 24 30 22 0c 1d 'com.apple.security.hypervisor' 01 01 ff`},
		{"long form lengths", `<dict><key>k</key><string>` + long + `</string></dict>`,
			`70 81 d7 02 01 01 b0 81 d1 30 81 ce 0c 01 'k' 0c 81 c8 '` + long + `'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeDER(plist(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Errorf("got  %x\nwant %x", got, want)
			}
		})
	}
}

func TestEncodeDERRejects(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"not xml", "com.apple.security.hypervisor=true"},
		{"empty", ""},
		{"root array", string(plist(`<array/>`))},
		{"real", string(plist(`<dict><key>k</key><real>1.5</real></dict>`))},
		{"data", string(plist(`<dict><key>k</key><data>AAAA</data></dict>`))},
		{"date", string(plist(`<dict><key>k</key><date>2020-01-01T00:00:00Z</date></dict>`))},
		{"duplicate key", string(plist(`<dict><key>k</key><true/><key>k</key><false/></dict>`))},
		{"key without value", string(plist(`<dict><key>k</key></dict>`))},
		{"value without key", string(plist(`<dict><true/></dict>`))},
		{"bad integer", string(plist(`<dict><key>k</key><integer>0x10</integer></dict>`))},
		{"two roots", string(plist(`<dict/><dict/>`))},
		{"unclosed", `<plist><dict><key>k</key><true/>`},
		{"wrong root element", `<dict/>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der, err := EncodeDER([]byte(tt.doc))
			if !errors.Is(err, ErrEntitlements) {
				t.Fatalf("EncodeDER = %x, %v; want an ErrEntitlements error", der, err)
			}
		})
	}
}
