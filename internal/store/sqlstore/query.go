package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// wrap prefixes a non-nil err with the operation that failed.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// stamps returns the creation and update times of a new record: those
// given, or now when zero, as stored.
func stamps(created, updated, now time.Time) (time.Time, time.Time) {
	if created.IsZero() {
		created = now
	}
	if updated.IsZero() {
		updated = now
	}
	return storedTime(created), storedTime(updated)
}

// insertSQL returns an INSERT of cols, a comma-separated list, into table.
func insertSQL(table, cols string) string {
	n := strings.Count(cols, ",") + 1
	return "INSERT INTO " + table + " (" + cols + ") VALUES (" + placeholders(n) + ")"
}

// placeholders returns n comma-separated placeholders.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// setSQL turns the comma-separated cols into "a = ?, b = ?".
func setSQL(cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = strings.TrimSpace(c) + " = ?"
	}
	return strings.Join(parts, ", ")
}

// listPage runs query, whose rows end with a COUNT(*) OVER () column, and
// returns the records scan makes of them and that count.
func listPage[T any](
	ctx context.Context, t *tx, query string, args []any,
	scan func(sc scanner, extra ...any) (*T, error),
) ([]*T, int, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()

	var out []*T
	total := 0
	for rows.Next() {
		r, err := scan(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// count runs a SELECT COUNT(*) query. listPage needs it when the page is
// past the end: with no row, there is no count either. ListSpend always
// counts with it.
func (t *tx) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := t.queryRow(ctx, query, args...).Scan(&n)
	return n, err
}

// deleteCount runs a DELETE and returns how many rows it removed.
func (t *tx) deleteCount(ctx context.Context, query string, args ...any) (int, error) {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
