// Package configs holds dataward's default policy file and the service and
// autostart templates, as data.
package configs

import _ "embed"

// DefaultYAML is configs/dataward.yaml: the documented defaults, which the
// installer writes when no config is given.
//
//go:embed dataward.yaml
var DefaultYAML []byte
