// Command hashflate hashes generated data (crypto/sha256, sha512, sha1,
// md5, hash/crc32 IEEE and Castagnoli, crc64, adler32, fnv) and
// round-trips it through compress/flate at several levels, compress/gzip
// and compress/zlib, printing digests and compressed sizes.
package main

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"hash/crc64"
	"hash/fnv"
	"io"
	"os"
)

func gen(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed
	words := []string{"lorem ", "ipsum ", "dolor ", "sit ", "amet, ", "consectetur ", "adipiscing ", "elit. ", "\n"}
	for i := 0; i < n; {
		x = x*1664525 + 1013904223
		if x>>28 < 3 {
			b[i] = byte(x >> 16)
			i++
			continue
		}
		w := words[(x>>8)%uint32(len(words))]
		i += copy(b[i:], w)
	}
	return b
}

func main() {
	fox := []byte("The quick brown fox jumps over the lazy dog")
	fmt.Printf("sha256(fox) %x\n", sha256.Sum256(fox))
	fmt.Printf("sha512(fox) %x\n", sha512.Sum512(fox))
	fmt.Printf("sha1(fox)   %x\n", sha1.Sum(fox))
	fmt.Printf("md5(fox)    %x\n", md5.Sum(fox))
	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write(fox)
	fmt.Printf("hmac-sha256 %x\n", mac.Sum(nil))

	for _, n := range []int{0, 1, 55, 56, 64, 1000, 65536, 100000} {
		d := gen(n, uint32(n)+7)
		s := sha256.Sum256(d)
		f := fnv.New64a()
		f.Write(d)
		fmt.Printf("n=%6d sha256 %s crc32 %08x crc32c %08x crc64 %016x adler %08x fnv64a %016x\n", n,
			hex.EncodeToString(s[:8]), crc32.ChecksumIEEE(d), crc32.Checksum(d, crc32.MakeTable(crc32.Castagnoli)),
			crc64.Checksum(d, crc64.MakeTable(crc64.ECMA)), adler32.Checksum(d), f.Sum64())
	}

	data := gen(60000, 42)
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, 5, flate.BestCompression, flate.HuffmanOnly} {
		var buf bytes.Buffer
		w, err := flate.NewWriter(&buf, level)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		w.Write(data)
		w.Close()
		csz := buf.Len()
		sum := sha256.Sum256(buf.Bytes())
		back, err := io.ReadAll(flate.NewReader(&buf))
		fmt.Printf("flate level %2d: %d -> %d bytes (stream %x), round trip %v err %v\n", level, len(data), csz,
			sum[:6], bytes.Equal(back, data), err)
	}
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Name = "data.txt"
	gw.Write(data)
	gw.Close()
	gzLen := gz.Len()
	gr, err := gzip.NewReader(&gz)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	back, err := io.ReadAll(gr)
	fmt.Printf("gzip: %d bytes, name %q, round trip %v err %v\n", gzLen, gr.Name, bytes.Equal(back, data), err)
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write(data[:30000])
	zw.Close()
	zr, _ := zlib.NewReader(bytes.NewReader(zb.Bytes()))
	back, err = io.ReadAll(zr)
	fmt.Printf("zlib: %d bytes, round trip %v err %v\n", zb.Len(), bytes.Equal(back, data[:30000]), err)
}
