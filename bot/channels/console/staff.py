"""Staff commands from the terminal (``python -m bot staff ...``); what ``export`` makes is
written to a folder."""

from __future__ import annotations

import getpass
from pathlib import Path

from conversations.staff import commands as staff_commands
from conversations.staff.desk import StaffDesk
from storage.private_files import make_private_folder, write_private_file


def run_staff_command(desk: StaffDesk, text: str, *, out: Path) -> int:
    reply = staff_commands.run(desk, text or "help", actor=f"terminal:{getpass.getuser()}")
    print(reply.text)
    for name, content in reply.files:
        make_private_folder(out)
        write_private_file(out / name, content)
        print(f"  wrote {out / name}")
    return 0
