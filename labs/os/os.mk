# labs/os/os.mk -- build toyos with vmlab's own assembler (included by the
# main Makefile, which provides BUILD and VMLAB).
#
#   make                     builds $(BUILD)/toyos.elf with vmlab
#   make demo                boots it and runs labs/os/demo.txt (scripts/demo.sh)

TOYOS_SRC := $(wildcard labs/os/*.s labs/os/*.inc)

$(BUILD)/toyos.elf: $(TOYOS_SRC) $(VMLAB)
	@mkdir -p $(dir $@)
	$(VMLAB) asm labs/os/toyos.s -o $@

GUEST_IMAGES += $(BUILD)/toyos.elf

# The paravirtual build (docs/paravirt.md): `vmlab run --vmm pv`.
$(BUILD)/toyos-pv.elf: $(TOYOS_SRC) $(VMLAB)
	@mkdir -p $(dir $@)
	$(VMLAB) asm labs/os/toyos-pv.s -o $@

GUEST_IMAGES += $(BUILD)/toyos-pv.elf
