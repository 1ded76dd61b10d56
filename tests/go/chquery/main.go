// chquery runs SQL against a ClickHouse HTTP endpoint with clickhouse-go v2 through database/sql,
// the way Grafana's ClickHouse data source does in HTTP mode, and prints one JSON line per query:
// {"columns": [...], "types": [...], "rows": [[...], ...]} or {"error": "..."}.
//
//	chquery -addr 127.0.0.1:8123 -user analyst -password secret [-compression gzip] \
//	        [-param name=value ...] 'SELECT 1' 'SELECT 2'
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

type params map[string]string

func (p params) String() string { return fmt.Sprint(map[string]string(p)) }

func (p params) Set(value string) error {
	name, text, found := strings.Cut(value, "=")
	if !found {
		return fmt.Errorf("-param %q is not name=value", value)
	}
	p[name] = text
	return nil
}

var compressions = map[string]clickhouse.CompressionMethod{
	"none":    clickhouse.CompressionNone,
	"gzip":    clickhouse.CompressionGZIP,
	"deflate": clickhouse.CompressionDeflate,
	"lz4":     clickhouse.CompressionLZ4,
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8123", "host:port of the HTTP interface")
	user := flag.String("user", "default", "user")
	password := flag.String("password", "", "password")
	database := flag.String("database", "", "default database")
	compression := flag.String("compression", "gzip", "none, gzip, deflate or lz4")
	parameters := params{}
	flag.Var(parameters, "param", "query parameter name=value (repeatable)")
	flag.Parse()

	method, known := compressions[*compression]
	if !known {
		fmt.Fprintf(os.Stderr, "unknown compression %q\n", *compression)
		os.Exit(2)
	}
	db := clickhouse.OpenDB(&clickhouse.Options{
		Addr:        []string{*addr},
		Protocol:    clickhouse.HTTP,
		Auth:        clickhouse.Auth{Database: *database, Username: *user, Password: *password},
		Compression: &clickhouse.Compression{Method: method},
		DialTimeout: 10 * time.Second,
		ReadTimeout: 60 * time.Second,
	})
	defer db.Close()

	// A deadline, as Grafana sets one: clickhouse-go then sends max_execution_time.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx = clickhouse.Context(ctx, clickhouse.WithParameters(clickhouse.Parameters(parameters)))
	out := json.NewEncoder(os.Stdout)
	if err := db.PingContext(ctx); err != nil {
		_ = out.Encode(map[string]string{"error": "ping: " + err.Error()})
		os.Exit(1)
	}
	for _, query := range flag.Args() {
		result, err := run(ctx, db, query)
		if err != nil {
			_ = out.Encode(map[string]string{"error": err.Error()})
			continue
		}
		_ = out.Encode(result)
	}
}

func run(ctx context.Context, db *sql.DB, query string) (map[string]any, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	columnTypes, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	names, types := []string{}, []string{}
	for _, column := range columnTypes {
		names = append(names, column.Name())
		types = append(types, column.DatabaseTypeName())
	}
	data := [][]any{}
	for rows.Next() {
		targets := make([]any, len(columnTypes))
		for i, column := range columnTypes {
			targets[i] = reflect.New(column.ScanType()).Interface()
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		row := make([]any, len(targets))
		for i, target := range targets {
			row[i] = text(reflect.ValueOf(target).Elem())
		}
		data = append(data, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return map[string]any{"columns": names, "types": types, "rows": data}, nil
}

// text is a scanned value as text; NULL (a nil pointer) as nil.
func text(value reflect.Value) any {
	for value.Kind() == reflect.Pointer {
		if value.IsNil() {
			return nil
		}
		value = value.Elem()
	}
	return fmt.Sprint(value.Interface())
}
