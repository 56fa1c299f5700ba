/// The Python program that runs inside the sandbox and speaks the JSON-lines protocol with ``PythonSandbox``.
///
/// It keeps the protocol on private duplicates of stdin and stdout, and points file descriptors 1 and 2 at a
/// capture file in the sandbox's private `/tmp`, so nothing the user's code prints (from Python, C extensions or
/// subprocesses) can reach the protocol channel. Python-level output goes through a writer that stops storing at
/// the output limit, so a cell that prints 100 MB only pays for the first part. Requests and replies:
///
/// - `{"type":"execute","code":…}` → `{"type":"result","output":…,"dropped":N,"error":bool,"figures":[…],"files":[…]}`
/// - `{"type":"preload","modules":[…]}` → `{"type":"preloaded"}`
///
/// On start it drops to the unprivileged `user_id` when one is given (bubblewrap ran as root), sets the resource
/// limits given in `EMERGENT_SANDBOX_CONFIG` (soft and hard, so the code it runs
/// cannot raise them) and announces `{"type":"ready"}`.
enum PythonDriver {
    static let source = #"""
import ast, json, os, resource, sys, traceback, linecache, io

def _emergent_main():
    config = json.loads(os.environ.pop("EMERGENT_SANDBOX_CONFIG", "{}"))
    user_id = config.get("user_id")
    if user_id is not None:
        os.setgroups([])
        os.setresgid(user_id, user_id, user_id)
        os.setresuid(user_id, user_id, user_id)
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    capture_path = "/tmp/.emergent-fd-output"
    capture = os.open(capture_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(capture, 1)
    os.dup2(capture, 2)
    os.close(capture)
    cap = int(config.get("output_limit", 65536))
    data_dir = config.get("data_dir", "/mnt/data")
    limits = config.get("limits", {})
    for name, value in limits.items():
        which = getattr(resource, name)
        resource.setrlimit(which, (value, value))

    class CappedWriter(io.TextIOBase):
        def __init__(self):
            self.kept = 0
            self.dropped = 0
        def reset(self):
            self.kept = 0
            self.dropped = 0
        def writable(self):
            return True
        def write(self, text):
            if not isinstance(text, str):
                raise TypeError("write() argument must be str, not " + type(text).__name__)
            room = cap - self.kept
            if room > 0:
                piece = text[:room]
                data = piece.encode("utf-8", "replace")
                while data:
                    data = data[os.write(1, data):]
                self.kept += len(piece)
                self.dropped += len(text) - len(piece)
            else:
                self.dropped += len(text)
            return len(text)
        def flush(self):
            pass
        @property
        def encoding(self):
            return "utf-8"
        def isatty(self):
            return False

    writer = CappedWriter()
    sys.stdout = writer
    sys.stderr = writer
    sys.__stdout__ = writer
    sys.__stderr__ = writer
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    cell = 0
    figure_counter = [0]

    def send(message):
        proto_out.write(json.dumps(message).encode() + b"\n")

    def snapshot():
        seen = {}
        for root, dirs, files in os.walk(data_dir):
            for name in files:
                path = os.path.join(root, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                seen[os.path.relpath(path, data_dir)] = (st.st_mtime_ns, st.st_size)
                if len(seen) >= 10000:
                    return seen
        return seen

    def save_figures():
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is None:
            return []
        saved = []
        for number in plt.get_fignums():
            figure = plt.figure(number)
            while True:
                figure_counter[0] += 1
                name = "figure-%d.png" % figure_counter[0]
                if not os.path.exists(os.path.join(data_dir, name)):
                    break
            try:
                figure.savefig(os.path.join(data_dir, name), format="png")
                saved.append(name)
            except Exception as error:
                writer.write("could not save figure %d: %s\n" % (number, error))
        plt.close("all")
        return saved

    def configure_matplotlib():
        try:
            import matplotlib
            matplotlib.use("Agg")
            # Glyph fallback only walks font.family, so the CJK font goes there, after the default.
            families = list(matplotlib.rcParams.get("font.family", ["sans-serif"]))
            if "WenQuanYi Micro Hei" not in families:
                matplotlib.rcParams["font.family"] = families + ["WenQuanYi Micro Hei"]
        except Exception:
            pass

    def run(code, filename):
        tree = ast.parse(code, filename, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, filename, "eval"), namespace)
            if value is not None:
                namespace["_"] = value
                writer.write(repr(value) + "\n")

    def read_fd_output():
        try:
            size = os.lseek(1, 0, os.SEEK_END)
        except OSError:
            return "", 0
        if size == 0:
            return "", 0
        with open(capture_path, "rb") as handle:
            data = handle.read(cap)
        os.ftruncate(1, 0)
        os.lseek(1, 0, os.SEEK_SET)
        return data.decode("utf-8", "replace"), max(0, size - len(data))

    send({"type": "ready", "pid": os.getpid()})
    buffer = b""
    while True:
        line = proto_in.readline()
        if not line:
            return
        request = json.loads(line)
        kind = request.get("type")
        if kind == "preload":
            for module in request.get("modules", []):
                try:
                    __import__(module)
                except Exception:
                    pass
            configure_matplotlib()
            send({"type": "preloaded"})
            continue
        if kind != "execute":
            send({"type": "error", "message": "unknown request type %r" % kind})
            continue
        cell += 1
        filename = "<cell-%d>" % cell
        code = request.get("code", "")
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        writer.reset()
        before = snapshot()
        if "matplotlib" not in sys.modules and ("matplotlib" in code or "pandas" in code):
            configure_matplotlib()
        failed = False
        try:
            run(code, filename)
        except SystemExit as exit_request:
            writer.write("SystemExit: %s (the interpreter keeps running)\n" % (exit_request.code,))
        except BaseException as error:
            failed = True
            frames = traceback.extract_tb(error.__traceback__)
            skip = 0
            while skip < len(frames) and not frames[skip].filename.startswith("<cell-"):
                skip += 1
            if skip >= len(frames):
                # Raised before any line of the cell ran (a SyntaxError from parsing): the error alone says it.
                writer.write("".join(traceback.format_exception_only(type(error), error)))
            else:
                tb = error.__traceback__
                for _ in range(skip):
                    if tb is not None and tb.tb_next is not None:
                        tb = tb.tb_next
                writer.write("".join(traceback.format_exception(type(error), error, tb)))
        try:
            figures = save_figures()
        except BaseException as error:
            figures = []
            writer.write("could not save figures: %s\n" % error)
        try:
            sys.stdout.flush()
        except Exception:
            pass
        fd_text, fd_dropped = read_fd_output()
        after = snapshot()
        changed = sorted(path for path, stamp in after.items() if before.get(path) != stamp)
        send({
            "type": "result", "output": fd_text, "dropped": writer.dropped + fd_dropped,
            "error": failed, "figures": figures, "files": changed,
        })

_emergent_main()
"""#
}
