"""Run a Pulumi Python program against engine services, as pulumi-language-python-exec does.

This script runs INSIDE the program's own Python (its virtualenv): it imports only the standard
library and pulumi, never the sandbox. The launcher copies it alone into an empty directory before
running it, so the only directories it adds to ``sys.path`` are that one and the program's own
(``runpy.run_path`` of the program directory puts it first, as with the real language host).

Arguments as the reference host's (--project, --stack, --parallel, --dry_run, --pwd, --monitor,
--engine, --organization, PROGRAM), plus --result: where to write the failure's one-line message
as JSON. On failure the program's traceback (its own frames) goes to stderr and the exit code is
32, the reference's "an error message was shown" code.
"""

import argparse
import asyncio
import json
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    print(traceback.format_exc(), file=sys.stderr)
    print(
        "The Pulumi SDK is not installed in the program's Python "
        f"({sys.executable}): pip install -r requirements.txt in its virtualenv.",
        file=sys.stderr,
    )
    sys.exit(1)

FAILED_AFTER_SHOWING_MESSAGE = 32


def user_traceback(program_dir: str) -> str:
    """The current exception's traceback from the program's first frame on (as the reference host)."""
    frames = traceback.extract_tb(sys.exc_info()[2])
    main = os.path.join(os.path.abspath(program_dir), "__main__.py")
    for index, frame in enumerate(frames):
        if os.path.abspath(frame.filename) == main:
            return traceback.format_exc(limit=-(len(frames) - index))
    return traceback.format_exc()


def write_result(path: str, message: str) -> None:
    with open(path, "w", encoding="utf-8") as result:
        json.dump({"message": message}, result)


def main() -> int:
    parser = argparse.ArgumentParser(description="Execute a Pulumi Python program")
    parser.add_argument("--project")
    parser.add_argument("--stack")
    parser.add_argument("--parallel", default="16")
    parser.add_argument("--dry_run")
    parser.add_argument("--pwd")
    parser.add_argument("--monitor")
    parser.add_argument("--engine")
    parser.add_argument("--organization", default="organization")
    parser.add_argument("--result", required=True)
    parser.add_argument("PROGRAM")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    settings = pulumi.runtime.Settings(
        monitor=args.monitor,
        engine=args.engine,
        project=args.project,
        stack=args.stack,
        parallel=int(args.parallel),
        dry_run=args.dry_run == "true",
        organization=args.organization,
    )
    pulumi.runtime.configure(settings)
    sys.argv = [args.PROGRAM]
    if args.pwd is not None:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    executor = ThreadPoolExecutor(max_workers=max(int(args.parallel), 1) * 4)
    loop.set_default_executor(executor)
    # As the reference host: unobserved futures of a failed program are expected, not news.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    program_dir = os.path.abspath(args.PROGRAM)
    try:

        def run() -> None:
            runpy.run_path(program_dir, run_name="__main__")

        loop.run_until_complete(pulumi.runtime.run_in_stack(run))
        return 0
    except pulumi.RunError as error:
        print(str(error), file=sys.stderr)
        write_result(args.result, str(error))
    except Exception as error:  # any failure of the program is reported the same way
        print("Program failed with an unhandled exception:", file=sys.stderr)
        print(user_traceback(program_dir), file=sys.stderr, end="")
        write_result(args.result, str(error))
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return FAILED_AFTER_SHOWING_MESSAGE


if __name__ == "__main__":
    sys.exit(main())
