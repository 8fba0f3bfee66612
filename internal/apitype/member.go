package apitype

import (
	"bytes"
	"encoding/json"
)

// Members decodes from either one JSON object or an array of them.
type Members []Member

// UnmarshalJSON accepts `{...}` as well as `[{...}, ...]`.
func (m *Members) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one Member
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*m = Members{one}
		return nil
	}
	var many []Member
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*m = many
	return nil
}
