// Sysman (zes) and tools (zet) of the fake Level Zero driver. The loader
// requires a driver to provide every one of these tables; the fake fills in
// only the memory-module state the backend reads for free memory, and only
// when ZES_ENABLE_SYSMAN=1 was set at zeInit, as Intel's driver does.
#include <level_zero/zes_ddi.h>
#include <level_zero/zet_ddi.h>

#include "fake_ze_driver.h"

namespace spillway::fake_ze {
namespace {

ze_result_t DeviceEnumMemoryModules(zes_device_handle_t hDevice, uint32_t* pCount,
                                    zes_mem_handle_t* phMemory) {
  FakeZeDriver* driver = FakeZeDriver::Get();
  if (driver == nullptr || !driver->initialized() || !driver->sysman_enabled()) {
    return ZE_RESULT_ERROR_UNINITIALIZED;
  }
  if (!driver->IsDevice(hDevice)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (pCount == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (*pCount == 0 || phMemory == nullptr) {
    *pCount = 1;
    return ZE_RESULT_SUCCESS;
  }
  phMemory[0] = driver->memory_module(hDevice->ordinal);
  *pCount = 1;
  return ZE_RESULT_SUCCESS;
}

ze_result_t MemoryGetState(zes_mem_handle_t hMemory, zes_mem_state_t* pState) {
  FakeZeDriver* driver = FakeZeDriver::Get();
  if (driver == nullptr || !driver->initialized() || !driver->sysman_enabled()) {
    return ZE_RESULT_ERROR_UNINITIALIZED;
  }
  if (!driver->IsMemoryModule(hMemory)) return ZE_RESULT_ERROR_INVALID_NULL_HANDLE;
  if (pState == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;
  if (pState->stype != ZES_STRUCTURE_TYPE_MEM_STATE) return ZE_RESULT_ERROR_INVALID_ARGUMENT;
  absl::StatusOr<hal::MemoryInfo> info = driver->device(hMemory->ordinal)->device->GetMemoryInfo();
  if (!info.ok()) return ToZeResult(info.status());
  pState->health = ZES_MEM_HEALTH_OK;
  pState->free = info->free;
  pState->size = info->total;
  return ZE_RESULT_SUCCESS;
}

bool SupportedVersion(ze_api_version_t version) {
  return ZE_MAJOR_VERSION(version) == ZE_MAJOR_VERSION(ZE_API_VERSION_CURRENT);
}

}  // namespace
}  // namespace spillway::fake_ze

using ::spillway::fake_ze::SupportedVersion;

// The tables read as one entry per line; keep them so.
// clang-format off
#define FAKE_ZE_EXPORT extern "C" __attribute__((visibility("default")))
#define FAKE_ZE_TABLE(name, table_type)                                      \
  FAKE_ZE_EXPORT ze_result_t name(ze_api_version_t version, table_type* t) { \
    if (t == nullptr) return ZE_RESULT_ERROR_INVALID_NULL_POINTER;           \
    if (!SupportedVersion(version)) return ZE_RESULT_ERROR_UNSUPPORTED_VERSION;
#define FAKE_ZE_END_TABLE \
  return ZE_RESULT_SUCCESS; \
  }
#define FAKE_ZE_EMPTY_TABLE(name, table_type) \
  FAKE_ZE_TABLE(name, table_type)             \
  FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zesGetDeviceProcAddrTable, zes_device_dditable_t)
  t->pfnEnumMemoryModules = ::spillway::fake_ze::DeviceEnumMemoryModules;
FAKE_ZE_END_TABLE

FAKE_ZE_TABLE(zesGetMemoryProcAddrTable, zes_memory_dditable_t)
  t->pfnGetState = ::spillway::fake_ze::MemoryGetState;
FAKE_ZE_END_TABLE

FAKE_ZE_EMPTY_TABLE(zetGetDeviceProcAddrTable, zet_device_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetContextProcAddrTable, zet_context_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetCommandListProcAddrTable, zet_command_list_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetModuleProcAddrTable, zet_module_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetKernelProcAddrTable, zet_kernel_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetMetricGroupProcAddrTable, zet_metric_group_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetMetricGroupExpProcAddrTable, zet_metric_group_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetMetricProcAddrTable, zet_metric_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetMetricStreamerProcAddrTable, zet_metric_streamer_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetMetricQueryPoolProcAddrTable, zet_metric_query_pool_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetMetricQueryProcAddrTable, zet_metric_query_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetTracerExpProcAddrTable, zet_tracer_exp_dditable_t)
FAKE_ZE_EMPTY_TABLE(zetGetDebugProcAddrTable, zet_debug_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetDriverProcAddrTable, zes_driver_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetSchedulerProcAddrTable, zes_scheduler_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetPerformanceFactorProcAddrTable, zes_performance_factor_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetPowerProcAddrTable, zes_power_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetFrequencyProcAddrTable, zes_frequency_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetEngineProcAddrTable, zes_engine_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetStandbyProcAddrTable, zes_standby_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetFirmwareProcAddrTable, zes_firmware_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetFabricPortProcAddrTable, zes_fabric_port_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetTemperatureProcAddrTable, zes_temperature_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetPsuProcAddrTable, zes_psu_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetFanProcAddrTable, zes_fan_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetLedProcAddrTable, zes_led_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetRasProcAddrTable, zes_ras_dditable_t)
FAKE_ZE_EMPTY_TABLE(zesGetDiagnosticsProcAddrTable, zes_diagnostics_dditable_t)
// clang-format on
