package codesign

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
)

// DER entitlements (blob 0xfade7172, special slot 7).
//
// Apple does not document this encoding (Apple DTS, developer forums thread
// 770409: "not documented for third-party use"). The layout below is the
// one rcodesign (apple-codesign crate, src/entitlements.rs,
// der_encode_entitlements_plist) writes and checks against byte vectors it
// took from Apple's `codesign --generate-entitlement-der` output:
//
//	Entitlements ::= [APPLICATION 16] IMPLICIT SEQUENCE {  -- 0x70
//	    version INTEGER (1),
//	    value   Value }                                     -- the root dict
//	Value ::= CHOICE {
//	    BOOLEAN,                                            -- 0x01, true = 0xff
//	    INTEGER,                                            -- 0x02, minimal
//	    UTF8String,                                         -- 0x0c
//	    SEQUENCE OF Value,                                  -- 0x30, a plist array
//	    [CONTEXT 16] IMPLICIT SEQUENCE OF                   -- 0xb0, a plist dict,
//	        SEQUENCE { key UTF8String, value Value } }      -- keys in byte order
//
// For example {"key": true} is 70 0f 02 01 01 b0 0a 30 08 0c 03 'k' 'e' 'y'
// 01 01 ff. Plist real, date and data values have no DER form; Apple's
// codesign refuses them too, so we do.

// ErrEntitlements reports an entitlements plist that cannot be used.
var ErrEntitlements = errors.New("bad entitlements plist")

// plistValue is a parsed XML plist value: bool, *big.Int, string,
// []plistValue or plistDict.
type plistValue any

type plistDict struct {
	keys []string
	vals map[string]plistValue
}

// parsePlist parses an XML property list whose root is a dict.
func parsePlist(x []byte) (plistDict, error) {
	d := xml.NewDecoder(bytes.NewReader(x))
	d.Strict = true
	// Only <plist> may be at the top; walk to it.
	for {
		tok, err := d.Token()
		if err != nil {
			return plistDict{}, fmt.Errorf("%w: no <plist> element: %v", ErrEntitlements, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "plist" {
				return plistDict{}, fmt.Errorf("%w: root element <%s>, want <plist>", ErrEntitlements, se.Name.Local)
			}
			break
		}
	}
	v, err := nextValue(d)
	if err != nil {
		return plistDict{}, err
	}
	root, ok := v.(plistDict)
	if !ok {
		return plistDict{}, fmt.Errorf("%w: root value is %T, want a <dict>", ErrEntitlements, v)
	}
	if err := expectEnd(d, "plist"); err != nil {
		return plistDict{}, err
	}
	return root, nil
}

// errEnd signals that the enclosing element ended instead of a value.
var errEnd = errors.New("end of container")

// nextStart returns the next start element, skipping whitespace and
// comments, or errEnd at an end element.
func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: unexpected end of document", ErrEntitlements)
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: %v", ErrEntitlements, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, errEnd
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: stray text %q", ErrEntitlements, t)
			}
		}
	}
}

func expectEnd(d *xml.Decoder, name string) error {
	if _, err := nextStart(d); err != errEnd {
		if err == nil {
			return fmt.Errorf("%w: more than one value in <%s>", ErrEntitlements, name)
		}
		return err
	}
	return nil
}

func nextValue(d *xml.Decoder) (plistValue, error) {
	se, err := nextStart(d)
	if err != nil {
		if err == errEnd {
			return nil, fmt.Errorf("%w: missing value", ErrEntitlements)
		}
		return nil, err
	}
	return parseValue(d, se)
}

func parseValue(d *xml.Decoder, se xml.StartElement) (plistValue, error) {
	name := se.Name.Local
	switch name {
	case "true", "false":
		if err := d.Skip(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrEntitlements, err)
		}
		return name == "true", nil
	case "string", "integer":
		var s string
		if err := d.DecodeElement(&s, &se); err != nil {
			return nil, fmt.Errorf("%w: <%s>: %v", ErrEntitlements, name, err)
		}
		if name == "string" {
			return s, nil
		}
		n, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
		if !ok {
			return nil, fmt.Errorf("%w: bad <integer> %q", ErrEntitlements, s)
		}
		return n, nil
	case "array":
		arr := []plistValue{}
		for {
			el, err := nextStart(d)
			if err == errEnd {
				return arr, nil
			}
			if err != nil {
				return nil, err
			}
			v, err := parseValue(d, el)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
	case "dict":
		dict := plistDict{vals: map[string]plistValue{}}
		for {
			el, err := nextStart(d)
			if err == errEnd {
				return dict, nil
			}
			if err != nil {
				return nil, err
			}
			if el.Name.Local != "key" {
				return nil, fmt.Errorf("%w: <%s> in <dict> where a <key> belongs", ErrEntitlements, el.Name.Local)
			}
			var k string
			if err := d.DecodeElement(&k, &el); err != nil {
				return nil, fmt.Errorf("%w: <key>: %v", ErrEntitlements, err)
			}
			if _, dup := dict.vals[k]; dup {
				return nil, fmt.Errorf("%w: duplicate key %q", ErrEntitlements, k)
			}
			v, err := nextValue(d)
			if err != nil {
				return nil, fmt.Errorf("%w (key %q)", err, k)
			}
			dict.keys = append(dict.keys, k)
			dict.vals[k] = v
		}
	case "real", "date", "data":
		return nil, fmt.Errorf("%w: <%s> values have no DER entitlements form", ErrEntitlements, name)
	default:
		return nil, fmt.Errorf("%w: unknown element <%s>", ErrEntitlements, name)
	}
}

// EncodeDER converts an XML entitlements plist to Apple's DER form.
func EncodeDER(xmlPlist []byte) ([]byte, error) {
	root, err := parsePlist(xmlPlist)
	if err != nil {
		return nil, err
	}
	var body []byte
	body = derTLV(body, 0x02, []byte{1}) // version
	body = appendDERValue(body, root)
	return derTLV(nil, 0x70, body), nil
}

func appendDERValue(out []byte, v plistValue) []byte {
	switch v := v.(type) {
	case bool:
		b := byte(0)
		if v {
			b = 0xff
		}
		return derTLV(out, 0x01, []byte{b})
	case *big.Int:
		return derTLV(out, 0x02, derInt(v))
	case string:
		return derTLV(out, 0x0c, []byte(v))
	case []plistValue:
		var body []byte
		for _, e := range v {
			body = appendDERValue(body, e)
		}
		return derTLV(out, 0x30, body)
	case plistDict:
		keys := append([]string(nil), v.keys...)
		sort.Strings(keys)
		var body []byte
		for _, k := range keys {
			pair := derTLV(nil, 0x0c, []byte(k))
			pair = appendDERValue(pair, v.vals[k])
			body = derTLV(body, 0x30, pair)
		}
		return derTLV(out, 0xb0, body)
	}
	panic(fmt.Sprintf("codesign: plist value of type %T", v))
}

// derInt is the minimal two's-complement big-endian form of n.
func derInt(n *big.Int) []byte {
	switch n.Sign() {
	case 0:
		return []byte{0}
	case 1:
		b := n.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// Negative: two's complement in the fewest bytes whose top bit is set.
	m := new(big.Int).Neg(n)
	m.Sub(m, big.NewInt(1)) // |n|-1; its bitwise NOT is n's pattern
	b := m.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	for i := range b {
		b[i] = ^b[i]
	}
	return b
}

// derTLV appends tag, definite length and value.
func derTLV(out []byte, tag byte, val []byte) []byte {
	out = append(out, tag)
	n := len(val)
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	default:
		var l []byte
		for ; n > 0; n >>= 8 {
			l = append([]byte{byte(n)}, l...)
		}
		out = append(out, 0x80|byte(len(l)))
		out = append(out, l...)
	}
	return append(out, val...)
}
