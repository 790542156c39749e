<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AccountTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="29" />
      <source>Room</source>
      <translation>房间号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="30" />
      <source>Name</source>
      <translation>房间名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="31" />
      <source>Tenant</source>
      <translation>商户/住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="32" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="33" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="34" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="35" />
      <source>Subsidy</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="36" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="39" />
      <source>Active</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="40" />
      <source>Suspended</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="41" />
      <source>Closed</source>
      <translation>已销户</translation>
    </message>
  </context>
  <context>
    <name>Application</name>
    <message>
      <location filename="../../app/ui/application.py" line="96" />
      <source>Collector: running in this desk</source>
      <translation>采集服务：本机运行</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="98" />
      <source>Collector: not in this desk</source>
      <translation>采集服务：未在本机运行</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="102" />
      <source>Demo operators (login / password):</source>
      <translation>演示操作员（账号 / 密码）：</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="42" />
      <location filename="../../app/ui/dialogs/login.py" line="71" />
      <source>Unlock</source>
      <translation>解锁</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="42" />
      <location filename="../../app/ui/dialogs/login.py" line="71" />
      <source>Log in</source>
      <translation>登录</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="43" />
      <source>Unified Water &amp; Power Prepaid Billing Platform</source>
      <translation>水电统一收费监管平台</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="65" />
      <source>Operator</source>
      <translation>操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="66" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="73" />
      <source>Log out</source>
      <translation>注销</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="73" />
      <source>Exit</source>
      <translation>退出</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="94" />
      <source>Enter the operator and the password.</source>
      <translation>请输入操作员和密码。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="97" />
      <source>Checking…</source>
      <translation>正在验证…</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../app/ui/main_window.py" line="45" />
      <source>Unified Water &amp; Power Prepaid Billing Platform</source>
      <translation>水电统一收费监管平台</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="101" />
      <source>System</source>
      <translation>系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="102" />
      <source>Lock the desk</source>
      <translation>锁定</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="105" />
      <source>Switch operator</source>
      <translation>切换操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="109" />
      <source>Exit</source>
      <translation>退出</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="113" />
      <source>Help</source>
      <translation>帮助</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="114" />
      <location filename="../../app/ui/main_window.py" line="156" />
      <source>About</source>
      <translation>关于</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="123" />
      <source>Operator: {0}</source>
      <translation>操作员：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="124" />
      <source>Database: {0}</source>
      <translation>数据库：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="147" />
      <source>Active alarms: {0}</source>
      <translation>未处理告警：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="157" />
      <source>Unified Water &amp; Power Prepaid Billing Platform
Version {0}</source>
      <translation>水电统一收费监管平台
版本 {0}</translation>
    </message>
  </context>
  <context>
    <name>Messages</name>
    <message>
      <location filename="../../app/ui/messages.py" line="30" />
      <source>Unexpected error: {0}</source>
      <translation>意外错误：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="34" />
      <source>Account {0} does not exist.</source>
      <translation>账户 {0} 不存在。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="41" />
      <source>Account {0} is closed; this operation is not allowed.</source>
      <translation>账户 {0} 已销户，不能进行此操作。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="44" />
      <source>Account {0} is suspended; this operation is not allowed.</source>
      <translation>账户 {0} 已暂停，不能进行此操作。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="50" />
      <source>The amount is not valid. Enter yuan with at most two decimals, above zero.</source>
      <translation>金额无效：请输入大于零、最多两位小数的元金额。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="56" />
      <source>The input is not valid: {0}</source>
      <translation>输入有误：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="60" />
      <source>The record was not found: {0}</source>
      <translation>找不到记录：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="64" />
      <source>Account {0}: the balance {1} is less than the {2} required.</source>
      <translation>账户 {0}：余额 {1} 不足，需要 {2}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="70" />
      <source>Account {0}: after this top-up the balance would be {1}, above the limit of {2}.</source>
      <translation>账户 {0}：充值后余额将为 {1}，超过上限 {2}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="77" />
      <source>This payment was already booked with different details; check the ledger.</source>
      <translation>这笔款项已按不同内容入账，请核对账目。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="83" />
      <source>Entry {0} cannot be reversed.</source>
      <translation>第 {0} 笔账目不能冲正。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="89" />
      <source>You do not have permission for this operation.</source>
      <translation>您没有执行此操作的权限。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="94" />
      <source>Too many wrong passwords: the operator {0} is locked for 15 minutes.</source>
      <translation>密码错误次数过多：操作员 {0} 已被锁定 15 分钟。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="98" />
      <source>Wrong login or password.</source>
      <translation>操作员或密码错误。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="102" />
      <source>The operation failed: {0}</source>
      <translation>操作失败：{0}</translation>
    </message>
  </context>
  <context>
    <name>MonitorTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="37" />
      <source>Room</source>
      <translation>房间号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="38" />
      <source>Room name</source>
      <translation>房间名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="39" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="40" />
      <source>Meter address</source>
      <translation>表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="41" />
      <source>Last reading</source>
      <translation>最近读数</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="42" />
      <source>Read at</source>
      <translation>抄读时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="43" />
      <source>Switch</source>
      <translation>通断状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="44" />
      <source>Trip cause</source>
      <translation>断电原因</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="45" />
      <source>Keep power</source>
      <translation>保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="46" />
      <location filename="../../app/ui/table_models/monitoring.py" line="68" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="47" />
      <source>Command</source>
      <translation>命令进度</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="50" />
      <source>Supplying</source>
      <translation>通电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="51" />
      <source>Tripped</source>
      <translation>断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="52" />
      <location filename="../../app/ui/table_models/monitoring.py" line="53" />
      <location filename="../../app/ui/table_models/monitoring.py" line="58" />
      <location filename="../../app/ui/table_models/monitoring.py" line="59" />
      <source>Unknown</source>
      <translation>未知</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="56" />
      <source>Valve open</source>
      <translation>开阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="57" />
      <source>Valve shut</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="61" />
      <source>No switch</source>
      <translation>无开关</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="63" />
      <source>Arrears</source>
      <translation>欠费</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="64" />
      <source>Manual</source>
      <translation>人工</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="65" />
      <source>Protection</source>
      <translation>保护</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="69" />
      <source>Offline</source>
      <translation>离线</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="70" />
      <source>Never read</source>
      <translation>未抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="73" />
      <source>Trip</source>
      <translation>拉闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="74" />
      <source>Close</source>
      <translation>合闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="75" />
      <source>Shut valve</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="76" />
      <source>Open valve</source>
      <translation>开阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="77" />
      <source>Read</source>
      <translation>抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="78" />
      <source>Parameters</source>
      <translation>参数下发</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="81" />
      <source>pending</source>
      <translation>等待执行</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="82" />
      <source>sent</source>
      <translation>已下发</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="83" />
      <source>confirmed</source>
      <translation>已确认</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="84" />
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="85" />
      <source>cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="87" />
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="135" />
      <source>{0}: {1}</source>
      <translation>{0}：{1}</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="156" />
      <source>Last reading ({0})</source>
      <translation>最近读数（{0}）</translation>
    </message>
  </context>
  <context>
    <name>MonitoringPage</name>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="103" />
      <location filename="../../app/ui/pages/monitoring.py" line="229" />
      <source>All buildings</source>
      <translation>全部楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="106" />
      <source>All states</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="107" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="108" />
      <source>Offline or never read</source>
      <translation>离线或未抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="109" />
      <source>Valve shut</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="109" />
      <source>Tripped</source>
      <translation>断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="110" />
      <source>Keep power</source>
      <translation>保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="111" />
      <source>Command in progress</source>
      <translation>命令执行中</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="112" />
      <source>Command failed</source>
      <translation>命令失败</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="117" />
      <source>Search room, name or meter address</source>
      <translation>搜索房间号、名称或表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="119" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="121" />
      <location filename="../../app/ui/pages/monitoring.py" line="317" />
      <source>Read now</source>
      <translation>立即抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="122" />
      <location filename="../../app/ui/pages/monitoring.py" line="320" />
      <source>Shut valve</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="122" />
      <location filename="../../app/ui/pages/monitoring.py" line="320" />
      <source>Trip</source>
      <translation>拉闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="123" />
      <location filename="../../app/ui/pages/monitoring.py" line="324" />
      <source>Open valve</source>
      <translation>开阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="123" />
      <location filename="../../app/ui/pages/monitoring.py" line="324" />
      <source>Close</source>
      <translation>合闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="124" />
      <location filename="../../app/ui/pages/monitoring.py" line="362" />
      <source>Keep power on</source>
      <translation>设置保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="125" />
      <location filename="../../app/ui/pages/monitoring.py" line="362" />
      <source>Keep power off</source>
      <translation>取消保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="169" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="171" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="210" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="256" />
      <source>{0} points · {1} online · {2} offline · {3} cut</source>
      <translation>共 {0} 个计量点 · 在线 {1} · 离线 {2} · 断电 {3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="305" />
      <source>You do not have permission to control meters.</source>
      <translation>您没有控制表具的权限。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="335" />
      <source>None of the selected points has a switch.</source>
      <translation>所选计量点都没有通断开关。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="338" />
      <location filename="../../app/ui/pages/monitoring.py" line="364" />
      <source>{0} on {1} point(s). Why?</source>
      <translation>{0}：共 {1} 个计量点。请填写原因：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="343" />
      <source>Sending…</source>
      <translation>正在提交…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="352" />
      <source>{0} command(s) queued.</source>
      <translation>已提交 {0} 条命令，等待采集服务执行。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="354" />
      <source>The same command is already on its way.</source>
      <translation>相同的命令正在执行中。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="376" />
      <source>Keep power changed on {0} point(s).</source>
      <translation>已更改 {0} 个计量点的保电设置。</translation>
    </message>
  </context>
  <context>
    <name>Navigation</name>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="64" />
      <source>Rooms &amp; accounts</source>
      <translation>房间/账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="70" />
      <source>Electricity meters</source>
      <translation>电表监测</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="76" />
      <source>Water meters</source>
      <translation>水表监测</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="82" />
      <source>Gateways &amp; meters</source>
      <translation>网关/表具</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="88" />
      <source>Parameters</source>
      <translation>参数管理</translation>
    </message>
  </context>
  <context>
    <name>ReasonDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/reason.py" line="25" />
      <source>Reason (required)</source>
      <translation>原因（必填）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/reason.py" line="29" />
      <source>Confirm</source>
      <translation>确定</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/reason.py" line="30" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>RoomsPage</name>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="22" />
      <source>Search room, tenant, phone or initials</source>
      <translation>搜索房间号、商户名、电话或拼音首字母</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="49" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="64" />
      <source>{0} accounts · total balance {1} · {2} low · {3} in arrears</source>
      <translation>共 {0} 户 · 余额合计 {1} · 余额不足 {2} 户 · 欠费 {3} 户</translation>
    </message>
  </context>
</TS>