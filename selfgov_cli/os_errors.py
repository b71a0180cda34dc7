"""A clerk's words, in Chinese, for what the operating system refused (a full disk, a locked
file, no permission): one table for every message that reports a failed read or write, so the
system's English ("Permission denied") never reaches a clerk."""

from __future__ import annotations

import errno

_OS_ERRORS = {
    "ENOSPC": "磁盘空间已满",
    "EDQUOT": "磁盘配额已用完",
    "EFBIG": "文件超过了文件系统允许的大小",
    "EROFS": "磁盘是只读的",
    "ENAMETOOLONG": "文件名太长",
    "ENOENT": "文件夹不存在",
    "EIO": "磁盘读写出错",
    "EMFILE": "打开的文件太多",
    "ENOTDIR": "路径中有一段不是文件夹",
    "EISDIR": "这是一个文件夹，不是文件",
}
_DENIED = {"EACCES", "EPERM"}


def os_error_text(exc: OSError, reading: bool = False) -> str:
    """What went wrong, with the file it concerns; `reading`: the failed step was a read (no
    permission to read, a file that does not exist), else a write."""
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _DENIED:
        words = "没有读取权限（文件可能正被其他程序打开）" if reading else "没有写入权限"
    elif name == "ENOENT" and reading:
        words = "文件不存在"
    else:
        words = _OS_ERRORS.get(name) or f"系统错误 {name or exc.errno}"
    where = f"（{exc.filename}）" if exc.filename else ""
    return f"{words}{where}"


__all__ = ["os_error_text"]
