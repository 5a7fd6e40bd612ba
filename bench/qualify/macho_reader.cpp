// The Mach-O reader of drvbench qualify: a thin or universal MH_KEXT_BUNDLE
// read with LLVM's object library (which validates every load command, so a
// corrupt file is an error message, never a crash), handed over as the plain
// C structures of macho_abi.h. LLVM's C API (14) gives no symbol binding or
// undefined flag, hence this one C++ file.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <llvm/BinaryFormat/MachO.h>
#include <llvm/BinaryFormat/Magic.h>
#include <llvm/Object/MachO.h>
#include <llvm/Object/MachOUniversal.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

extern "C" {
#include "macho_abi.h"
}

using namespace llvm;
using namespace llvm::object;

namespace {

int fail(char *why, size_t len, const std::string &msg)
{
	if (why != nullptr && len > 0)
		std::snprintf(why, len, "%s", msg.c_str());
	return -1;
}

const char *arch_name(uint32_t cputype, char *buf, size_t len)
{
	switch (cputype) {
	case MachO::CPU_TYPE_X86_64: return "x86_64";
	case MachO::CPU_TYPE_I386: return "i386";
	case MachO::CPU_TYPE_ARM64: return "arm64";
	case MachO::CPU_TYPE_ARM64_32: return "arm64_32";
	case MachO::CPU_TYPE_ARM: return "arm";
	case MachO::CPU_TYPE_POWERPC: return "ppc";
	case MachO::CPU_TYPE_POWERPC64: return "ppc64";
	default:
		std::snprintf(buf, len, "cputype %u", cputype);
		return buf;
	}
}

void release_slice(bench_macho_slice *s)
{
	for (size_t i = 0; i < s->nsyms; i++)
		std::free(const_cast<char *>(s->syms[i].name));
	std::free(s->syms);
	s->syms = nullptr;
	s->nsyms = 0;
}

void release_file(bench_macho_file *f)
{
	if (f == nullptr)
		return;
	for (size_t i = 0; i < f->nslices; i++)
		release_slice(&f->slices[i]);
	std::free(f);
}

// Sections: instructions' bytes, and the first DWARF section.
void read_sections(const MachOObjectFile &obj, bench_macho_slice *s)
{
	for (const SectionRef &sec : obj.sections()) {
		Expected<StringRef> name = sec.getName();
		StringRef n = name ? *name : StringRef();
		StringRef seg = obj.getSectionFinalSegmentName(sec.getRawDataRefImpl());

		if (!name)
			consumeError(name.takeError());
		if (sec.isText())
			s->code_bytes += sec.getSize();
		if (!s->has_debug && (seg == "__DWARF" || n.startswith("__debug_"))) {
			s->has_debug = 1;
			std::snprintf(s->debug_section, sizeof(s->debug_section), "%.*s,%.*s",
				      (int)seg.size(), seg.data(), (int)n.size(), n.data());
		}
	}
	for (const auto &lc : obj.load_commands()) {
		if (lc.C.cmd != MachO::LC_SYMTAB)
			continue;
		MachO::symtab_command st = obj.getSymtabLoadCommand();
		s->symtab_bytes = (uint64_t)st.nsyms * (obj.is64Bit() ? 16u : 12u) + st.strsize;
	}
}

int read_symbols(const MachOObjectFile &obj, bench_macho_slice *s, char *why, size_t len)
{
	std::vector<bench_macho_sym> syms;

	for (const SymbolRef &sym : obj.symbols()) {
		Expected<StringRef> name = sym.getName();
		Expected<uint32_t> flags = sym.getFlags();
		Expected<SymbolRef::Type> type = sym.getType();
		bench_macho_sym out = {};

		if (!name || !flags || !type) {
			std::string msg = "unreadable symbol: ";
			msg += !name ? toString(name.takeError())
			       : !flags ? toString(flags.takeError()) : toString(type.takeError());
			if (name)
				consumeError(flags ? type.takeError() : flags.takeError());
			for (auto &done : syms)
				std::free(const_cast<char *>(done.name));
			return fail(why, len, msg);
		}
		if ((*flags & SymbolRef::SF_FormatSpecific) || name->empty())
			continue; // stabs and the like: debugger data, not linkage
		out.defined = !(*flags & SymbolRef::SF_Undefined);
		out.global = (*flags & SymbolRef::SF_Global) != 0;
		out.weak = (*flags & SymbolRef::SF_Weak) != 0;
		out.function = *type == SymbolRef::ST_Function;
		out.name = strndup(name->data(), name->size());
		if (out.name == nullptr)
			return fail(why, len, "out of memory");
		syms.push_back(out);
	}
	s->syms = static_cast<bench_macho_sym *>(std::calloc(syms.size() + 1, sizeof(bench_macho_sym)));
	if (s->syms == nullptr) {
		for (auto &done : syms)
			std::free(const_cast<char *>(done.name));
		return fail(why, len, "out of memory");
	}
	std::memcpy(s->syms, syms.data(), syms.size() * sizeof(bench_macho_sym));
	s->nsyms = syms.size();
	return 0;
}

int read_object(const MachOObjectFile &obj, uint64_t offset, uint64_t size, bench_macho_slice *s,
		char *why, size_t len)
{
	char buf[24];

	std::snprintf(s->arch, sizeof(s->arch), "%s",
		      arch_name(obj.getHeader().cputype, buf, sizeof(buf)));
	s->offset = offset;
	s->size = size;
	s->filetype = obj.getHeader().filetype;
	read_sections(obj, s);
	return read_symbols(obj, s, why, len);
}

// LLVM refuses most bad fat headers; overlapping slices are checked here
// too, so the message names both architectures.
int check_overlap(const bench_macho_file *f, char *why, size_t len)
{
	for (size_t i = 0; i < f->nslices; i++)
		for (size_t j = i + 1; j < f->nslices; j++) {
			const bench_macho_slice &a = f->slices[i], &b = f->slices[j];

			if (a.offset < b.offset + b.size && b.offset < a.offset + a.size)
				return fail(why, len, std::string("universal slices ") + a.arch + " and " +
							      b.arch + " overlap");
		}
	return 0;
}

int read_universal(MemoryBufferRef ref, bench_macho_file *f, char *why, size_t len)
{
	Expected<std::unique_ptr<MachOUniversalBinary>> ub = MachOUniversalBinary::create(ref);

	if (!ub)
		return fail(why, len, toString(ub.takeError()));
	f->universal = 1;
	for (const auto &o : (*ub)->objects()) {
		if (f->nslices == BENCH_MACHO_MAX_SLICES)
			return fail(why, len, "more than 16 slices");
		bench_macho_slice *s = &f->slices[f->nslices];
		std::snprintf(s->arch, sizeof(s->arch), "%s", o.getArchFlagName().c_str());
		s->offset = o.getOffset();
		s->size = o.getSize();
		f->nslices++;
	}
	if (check_overlap(f, why, len) != 0)
		return -1;
	size_t i = 0;
	for (const auto &o : (*ub)->objects()) {
		Expected<std::unique_ptr<MachOObjectFile>> obj = o.getAsObjectFile();
		bench_macho_slice *s = &f->slices[i++];

		if (!obj)
			return fail(why, len, std::string("slice ") + s->arch + ": " +
					      toString(obj.takeError()));
		if (read_object(**obj, s->offset, s->size, s, why, len) != 0)
			return -1;
	}
	return 0;
}

int read_file(const char *path, bench_macho_file **out, char *why, size_t len)
{
	*out = nullptr;
	ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
		MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
	if (!buf)
		return fail(why, len, "cannot read: " + buf.getError().message());
	MemoryBufferRef ref = (*buf)->getMemBufferRef();
	auto *f = static_cast<bench_macho_file *>(std::calloc(1, sizeof(bench_macho_file)));
	if (f == nullptr)
		return fail(why, len, "out of memory");
	int r;
	if (identify_magic(ref.getBuffer()) == file_magic::macho_universal_binary) {
		r = read_universal(ref, f, why, len);
	} else {
		Expected<std::unique_ptr<MachOObjectFile>> obj = ObjectFile::createMachOObjectFile(ref);
		if (!obj) {
			r = fail(why, len, toString(obj.takeError()));
		} else {
			f->nslices = 1;
			r = read_object(**obj, 0, ref.getBufferSize(), &f->slices[0], why, len);
		}
	}
	if (r != 0) {
		release_file(f);
		return -1;
	}
	*out = f;
	return 0;
}

} // namespace

// The one exported symbol: the loader finds the reader through it.
extern "C" {
__attribute__((visibility("default"))) extern const struct bench_macho_reader bench_macho_reader;
const struct bench_macho_reader bench_macho_reader = {
	BENCH_MACHO_ABI_VERSION, read_file, release_file
};
}
