package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Parse decodes a YAML config over the defaults and validates it. Decoding
// is strict: an unknown key, a value of the wrong type or a bad duration is
// an error naming the key, the value and what is allowed. An empty document
// gives the defaults.
func Parse(data []byte) (Config, error) {
	c := Default()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		return c, fmt.Errorf("%w: not valid YAML: %v", ErrInvalid, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return c, nil
	}
	if err := decodeNode(doc.Content[0], reflect.ValueOf(&c).Elem(), ""); err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

var durationType = reflect.TypeFor[Duration]()

// decodeNode walks a YAML node against the Go value it fills, so that every
// error can name the key path (retention.warn_before[1]) and list what is
// allowed there.
func decodeNode(n *yaml.Node, v reflect.Value, key string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	at := func() string { return fmt.Sprintf("%s (line %d)", orTop(key), n.Line) }
	if v.Type() == durationType {
		d, err := ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			return fmt.Errorf("%w: %s: %q is not a duration: write it like 72h, 90m, 30s or 3d", ErrInvalid, at(), n.Value)
		}
		v.Set(reflect.ValueOf(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("%w: %s: expected a mapping of %s", ErrInvalid, at(), strings.Join(fieldNames(v.Type()), ", "))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			f, ok := fieldByTag(v, k)
			if !ok {
				return fmt.Errorf("%w: %s: unknown key %q (line %d); allowed keys: %s", ErrInvalid, orTop(key), k,
					n.Content[i].Line, strings.Join(fieldNames(v.Type()), ", "))
			}
			if err := decodeNode(n.Content[i+1], f, join(key, k)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Tag == "!!null" {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("%w: %s: expected a list, e.g. [..]", ErrInvalid, at())
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, e := range n.Content {
			if err := decodeNode(e, s.Index(i), fmt.Sprintf("%s[%d]", key, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("%w: %s: expected a single %s value", ErrInvalid, at(), kindWord(v.Kind()))
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return fmt.Errorf("%w: %s: %q is not %s", ErrInvalid, at(), n.Value, kindWord(v.Kind()))
	}
	return nil
}

func kindWord(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "a whole number"
	}
	return "a string"
}

func orTop(key string) string {
	if key == "" {
		return "config"
	}
	return key
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		if tagName(t.Field(i)) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func fieldNames(t reflect.Type) []string {
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = tagName(t.Field(i))
	}
	return names
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}
