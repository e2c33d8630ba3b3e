#!/bin/bash
# validate on good manifests: inheritance, defaults, interpolation, the
# manifest's location, and that environment values never reach the output.
. "$(dirname "$0")/lib.sh"

cat >lambda.yml <<'YML'
# Top-level keys are defaults for every function.
role: lambda-exec
memory: ${env:MEM:-512}
environment:
  STAGE: ${env:STAGE:-dev}
  SHARED: "1"
tags: { team: data }
functions:
  jobs:
    runtime: java21
    handler: jobs.aws-lambda::handleRequest
    timeout: 10
    artifact: target/jobs-standalone.jar
    environment:
      DB_PASSWORD: ${env:DB_PASSWORD}
      SHARED: "2"
  native:
    runtime: provided.al2023
    architecture: arm64
    memory: 256
    artifact: target/bootstrap
YML

lc validate
check_status 3 "an unset \${env:...} without a default is an error"
check_err_eq "lambdactl: lambda.yml:15:20: environment variable 'DB_PASSWORD' is not set (used as \${env:DB_PASSWORD})" "the unset variable is named with its position"

export DB_PASSWORD='hunter2-very-secret'
lc validate
check_status 0 "a valid manifest exits 0"
check_out_eq "jobs    java21             512 MB   10 s  x86_64  target/jobs-standalone.jar
native  provided.al2023    256 MB    3 s  arm64   target/bootstrap" "one line per function, defaults applied"

MEM=1024 STAGE=prod lc validate -o json
check_status 0 "validate -o json"
check "JSON: interpolated memory, inherited role, merged environment keys" \
	jq -e '.functions[0] | .memory == 1024 and .role == "lambda-exec" and .timeout == 10
		and .environment == ["DB_PASSWORD", "SHARED", "STAGE"] and .tags.team == "data"' "$OUT"
check "JSON: provided.* needs no handler; defaults for timeout and storage" \
	jq -e '.functions[1] | (has("handler") | not) and .timeout == 3 and .ephemeral_storage == 512 and .architecture == "arm64"' "$OUT"
check "JSON: build_timeout defaults to 600 seconds" \
	jq -e '[.functions[].build_timeout] == [600, 600]' "$OUT"
check_out_lacks 'hunter2|prod' "environment values never appear in the output"

# Where the manifest comes from: -f > LAMBDACTL_MANIFEST > ./lambda.yml.
mkdir sub && sed 's/memory: 256/memory: 384/' lambda.yml >sub/other.yml
lc validate -f sub/other.yml
check_out_has '^native +provided\.al2023 +384 MB' "-f reads another manifest"
LAMBDACTL_MANIFEST=sub/other.yml lc validate
check_out_has '^native +provided\.al2023 +384 MB' "LAMBDACTL_MANIFEST names the manifest"
LAMBDACTL_MANIFEST=sub/other.yml lc validate --manifest lambda.yml
check_out_has '^native +provided\.al2023 +256 MB' "--manifest wins over LAMBDACTL_MANIFEST"

lc validate -f missing.yml
check_status 3 "a missing manifest is a configuration error"
check_err_eq "lambdactl: cannot read 'missing.yml': No such file or directory" "a missing manifest is named"

lc validate surplus
check_status 2 "validate takes no arguments"

# The shipped example is valid.
STAGE=prod DB_PASSWORD=x lc validate -f "$SRC_DIR/lambda.yml.example"
check_status 0 "lambda.yml.example is valid"
check_out_has '^jobs +java21 +360 MB +10 s' "the example's Clojure uberjar function"
check_out_has 'provided\.al2023' "the example's native bootstrap function"

finish
