"""Runs milvus_cli's commands as its prompt loop does (`cli(shlex.split(line))`) from a session file:
a line starting with `milvus_cli > ` is a command, the lines after it answer its prompts (click reads
them from stdin, as a user types them). Each command's output follows a `### <command>` line.
Usage: python drive.py <session.txt> <host:port>  (QUIVER_ADDRESS and HERE in the session are replaced)."""
import io
import os
import shlex
import sys

here = os.path.dirname(os.path.abspath(__file__))
with open(sys.argv[1], encoding="utf-8") as f:
    session = f.read().replace("QUIVER_ADDRESS", sys.argv[2]).replace("HERE", here)
sys.stdin = io.StringIO(session)

from milvus_cli.scripts.milvus_client_cli import cli  # the same click group the `milvus_cli` REPL runs

PROMPT = "milvus_cli > "

while True:
    line = sys.stdin.readline()
    if line == "":
        break
    line = line.rstrip("\n")
    if not line.startswith(PROMPT):
        continue
    command = line[len(PROMPT):]
    print(f"### {command}", flush=True)
    try:
        cli(shlex.split(command), standalone_mode=False)
    except SystemExit:
        pass
    except Exception as e:  # the REPL prints and goes on
        print(f"Error: {e}", file=sys.stdout)
    sys.stdout.flush()
