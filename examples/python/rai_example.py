"""rai from Python through the C ABI (ctypes, standard library only).

    python3 rai_example.py path/to/librai_ffi.so DATA_DIR

Loads every table file of DATA_DIR and prints an agentStatus answer.
"""
import ctypes
import os
import sys


class RaiBuffer(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def main(lib_path, data_dir):
    lib = ctypes.CDLL(lib_path)
    lib.rai_engine_new.restype = ctypes.c_void_p
    lib.rai_engine_free.argtypes = [ctypes.c_void_p]
    lib.rai_buffer_free.argtypes = [RaiBuffer]
    lib.rai_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                             ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(RaiBuffer)]
    lib.rai_query.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                              ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(RaiBuffer),
                              ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(RaiBuffer)]

    def text(buf):
        return ctypes.string_at(buf.ptr, buf.len).decode("utf-8") if buf.ptr else ""

    engine = lib.rai_engine_new()
    try:
        for table in ["contacts", "agentIntervals", "agentStates", "agentStatusEvents", "users", "translations"]:
            for fmt in ["jsonl", "json", "csv"]:
                path = os.path.join(data_dir, f"{table}.{fmt}")
                if not os.path.exists(path):
                    continue
                data = open(path, "rb").read()
                batch, err = ctypes.c_uint64(), RaiBuffer()
                status = lib.rai_load(engine, table.encode(), fmt.encode(), data, len(data),
                                      ctypes.byref(batch), ctypes.byref(err))
                if status != 0:
                    raise SystemExit(f"{path}: {text(err)}")
                lib.rai_buffer_free(err)
        now = ctypes.c_int64(1792835159000)  # 2026-10-24T09:45:59.000Z
        body, total, err = RaiBuffer(), ctypes.c_uint64(), RaiBuffer()
        status = lib.rai_query(engine, b"agentStatus", b"startTime=2026-01-01&sort=userName,LOCALE-fi&limit=3", b"json",
                               ctypes.byref(now), ctypes.byref(body), ctypes.byref(total), ctypes.byref(err))
        if status != 0:
            raise SystemExit(f"query: {text(err)}")
        print(f"{total.value} agents in all")
        print(text(body))
        lib.rai_buffer_free(body)
        lib.rai_buffer_free(err)
    finally:
        lib.rai_engine_free(engine)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
