/**
 * Demo chat history: conversations per group, each starting `daysAgo` days before the seed day at
 * a China-time clock time. Content is fixed; only the dates follow the day of seeding.
 * Keys: a group key from demo-org.ts, or `dept:<department key>` for department groups.
 */
export interface Thread {
  daysAgo: number;
  /** HH:MM, Asia/Shanghai (UTC+8). */
  at: string;
  lines: readonly (readonly [account: string, text: string])[];
}

export const THREADS: Readonly<Record<string, readonly Thread[]>> = {
  all: [
    { daysAgo: 20, at: '09:05', lines: [
      ['chenjianguo', '各位同事早上好！第三季度正式开始，本季度重点：Muster 2.0 发布、华东区新客户拓展、内部流程数字化。\nGood morning everyone! Q3 starts today — our focus: ship Muster 2.0, grow East China, digitize internal processes.'],
      ['xuting', '收到！本周五下午 3 点在大会议室开季度启动会，请大家准时参加。Q3 kickoff: Friday 3 pm, main conference room.'],
      ['zhangwei', '研发中心已经准备好 2.0 的路线图，会上给大家过一遍。'],
      ['liangwei', '市场部会分享上季度的客户反馈 📊'],
      ['emily.carter', 'Looking forward to it! Will there be an English summary of the slides?'],
      ['xuting', '@Emily Carter 会的，会后发中英双语纪要。Yes — bilingual minutes will follow.'],
      ['lina', '👍'],
      ['songjia', '收到'],
      ['wangfang', '会议室已预订，茶歇 15:45 开始。'],
    ] },
    { daysAgo: 19, at: '10:30', lines: [
      ['admin', '【IT 通知】本周六 22:00–24:00 进行网络设备升级，期间 VPN 和办公 Wi-Fi 可能中断。\n[IT notice] Network maintenance on Saturday 22:00–24:00; VPN and office Wi-Fi may drop.'],
      ['machao', '运维这边全程值守，有问题直接打我电话。'],
      ['huangtao', '线上服务会受影响吗？'],
      ['machao', '不会，生产环境在云上，只影响办公网。Production runs in the cloud; only the office network is affected.'],
      ['david.miller', "Thanks for the heads-up. I'll make the nightly build skip Saturday."],
      ['admin', '升级后周一第一次登录时，请重新连接 Wi-Fi「Starriver-Staff」。'],
    ] },
    { daysAgo: 18, at: '14:00', lines: [
      ['xuting', '【人事】考勤提醒：下月起前台新增人脸识别打卡机，手机 GPS 打卡继续有效。\nFrom next month there is a face-recognition punch clock at reception; GPS punch on the phone stays valid.'],
      ['jiangmin', '还没录入人脸的同事请在本周内到人事行政部找我，大约两分钟。'],
      ['yanglei', '弹性上班时间还是 9:00–10:00 到岗吗？'],
      ['xuting', '对，弹性时间不变，核心时间 10:00–16:00。Flex start 9–10, core hours 10:00–16:00.'],
      ['sarah.johnson', 'Is the face data stored locally on the device?'],
      ['admin', '人脸模板加密存储在考勤机本地，不上传云端。Face templates are encrypted on the device and never uploaded.'],
      ['sarah.johnson', 'Great, thanks!'],
      ['hexue', '好的，下午过去录入。'],
    ] },
    { daysAgo: 17, at: '09:40', lines: [
      ['zhangwei', 'Muster 2.0 内测版今天开放给全体同事，欢迎试用并反馈问题！\nThe Muster 2.0 beta is open to all staff today — please try it and report issues.'],
      ['lina', '桌面端安装包在共享盘 /releases/beta，Windows 和 macOS 都有。'],
      ['linfeng', '反馈请统一发到「Muster 2.0 项目组」或者提工单，最好附上截图。'],
      ['caoying', '扫码加群的功能在哪里？'],
      ['lina', '左侧栏「加入群聊」，可以扫二维码或粘贴邀请链接。Sidebar → “Join group”: scan a QR code or paste an invite link.'],
      ['tangning', '已安装，界面很清爽 👍'],
      ['michael.brown', 'Installed on my Mac. Dark mode looks great.'],
      ['zhuli', '测试组本周做一轮全员回归，发现问题会同步。'],
      ['zhengting', '新人引导流程也欢迎大家提意见～'],
    ] },
    { daysAgo: 16, at: '11:15', lines: [
      ['wangfang', '下周三团建：西湖徒步 + 晚餐，请在周五前接龙报名。\nTeam outing next Wednesday: West Lake hike + dinner. Please sign up by Friday.'],
      ['chenjing', '1. 陈静'],
      ['yanglei', '2. 杨磊'],
      ['hanmei', '3. 韩梅 +1，可以带家属吗？'],
      ['wangfang', '可以带家属，晚餐按人数订位。Families welcome; dinner is booked by headcount.'],
      ['david.miller', '4. David Miller — count me in!'],
      ['guopeng', '5. 郭鹏'],
      ['songjia', '6. 宋佳'],
      ['pengfei', '7. 彭飞'],
      ['emily.carter', '8. Emily Carter 🙋‍♀️'],
      ['luolin', '9. 罗琳'],
    ] },
    { daysAgo: 15, at: '16:20', lines: [
      ['liangwei', '🎉 好消息！华东区签下云帆物流年度合同，感谢宋佳团队和产品、研发同事的支持！\nGreat news: East China signed a one-year contract with Yunfan Logistics!'],
      ['songjia', '谢谢大家！特别感谢林峰和 Emily 帮忙做的定制演示。'],
      ['chenjianguo', '干得漂亮！本季度开门红 👏'],
      ['linfeng', '恭喜！后续需求我们尽快排期。'],
      ['emily.carter', 'Congrats team! The demo was fun to build.'],
      ['zhaomin', '后端会准备专属部署环境，下周给方案。'],
      ['tangning', '🎉🎉🎉'],
      ['dengchao', '恭喜华东！华南也在加油 💪'],
      ['qiancheng', '合同扫描件请发财务部备案，谢谢。'],
    ] },
    { daysAgo: 14, at: '09:00', lines: [
      ['admin', '【安全提醒】近期有仿冒“IT 部门”的钓鱼邮件，要求点击链接重置密码。公司不会通过邮件索要密码，请勿点击。\n[Security] Phishing emails pretending to be IT are going around. We never ask for your password by email.'],
      ['sunli', '我刚收到一封，已经删除了。'],
      ['admin', '谢谢，可疑邮件请先转发到 security@starriver.example 再删除。'],
      ['wuhao', '建议大家都开启两步验证。'],
      ['admin', '下个版本的 Muster 会支持两步验证，届时通知大家。'],
      ['shenjie', '收到，行政这边会在电梯口贴提醒海报。'],
    ] },
    { daysAgo: 12, at: '15:30', lines: [
      ['shenjie', '【行政】8 楼茶水间的咖啡机已更换，新增燕麦奶 ☕ The 8F pantry has a new coffee machine — now with oat milk.'],
      ['yuanli', '太好了！'],
      ['chenjing', '终于有燕麦奶了 😂'],
      ['michael.brown', 'Best news this week.'],
      ['shenjie', '另外，本周四下午 2 点消防演习，听到警报请按疏散指示走楼梯。Fire drill on Thursday at 2 pm — please use the stairs.'],
      ['gaoyuan', '收到'],
    ] },
    { daysAgo: 11, at: '10:10', lines: [
      ['yuanli', '【财务】本月报销截止日期为 25 日，请在系统中提交并附电子发票。Expense claims close on the 25th; attach e-invoices.'],
      ['huangtao', '出差的高铁票也需要电子发票吗？'],
      ['qiancheng', '高铁票用电子客票行程单即可。A train e-ticket itinerary is enough.'],
      ['sarah.johnson', 'For overseas receipts, please add a short English note with the purpose.'],
      ['fengliang', '打车发票抬头是公司全称吗？'],
      ['yuanli', '是的：杭州星河科技有限公司，税号见财务共享文件夹。'],
      ['fengliang', '好的，谢谢！'],
    ] },
    { daysAgo: 10, at: '17:45', lines: [
      ['zhangwei', 'Muster 2.0 Beta 2 已发布：历史消息分页、离线发送自动重试、多端已读同步。\nBeta 2 is out: paged history, offline send retries, read state synced across devices.'],
      ['lina', '离线时发送的消息会先显示「发送中」，联网后自动补发，不会重复。'],
      ['zhuli', '回归测试通过率 98%，剩余两个已知问题在工单里。'],
      ['gaoyuan', '已更新，向上滚动加载历史消息很流畅。'],
      ['caoying', '在高铁上测了一下，断网发送确实能自动补发 👍'],
      ['emily.carter', 'The new unread badges are much clearer. Nice work!'],
      ['david.miller', 'Server side: sends are idempotent, so retries never create duplicates.'],
    ] },
    { daysAgo: 9, at: '09:30', lines: [
      ['xuting', '【放假通知】中秋节放假 3 天，具体安排见公告。节前最后一个工作日请检查门窗和电源。\nMid-Autumn Festival: 3 days off. Please check windows and power before you leave.'],
      ['wangfang', '公司给大家准备了月饼礼盒，周四下午在前台领取 🥮'],
      ['liuqiang', '谢谢公司！'],
      ['hanmei', '🥮🥮'],
      ['michael.brown', 'Happy Mid-Autumn Festival everyone!'],
      ['sarah.johnson', '中秋快乐！(I’m practising 😄)'],
      ['jiangmin', '领取时请在表格上签字。'],
    ] },
    { daysAgo: 7, at: '14:05', lines: [
      ['linfeng', '本周五下午 4 点产品分享会：「从用户访谈到需求文档」，欢迎旁听。Product talk on Friday 4 pm: “From user interviews to specs”.'],
      ['emily.carter', "I'll cover the usability test results for the join flow."],
      ['zhengting', '会议链接稍后发群里，远程同事也可以参加。'],
      ['dengchao', '华南区同事远程参加。'],
      ['zhengting', '会议链接：https://meet.starriver.example/product-talk'],
      ['chenjing', '有录屏吗？那天要去客户现场。'],
      ['zhengting', '有的，会后上传到知识库。'],
    ] },
    { daysAgo: 6, at: '13:30', lines: [
      ['shenjie', '前台捡到一把黑色雨伞和一张工卡（尾号 0427），请失主来认领。Found at reception: a black umbrella and a badge ending in 0427.'],
      ['gaoyuan', '工卡是我的！谢谢沈洁 🙏'],
      ['shenjie', '不客气，下班前来拿就行。'],
      ['hanmei', '地下车库 B2 这周在刷地坪，停车请去 B3。Parking: B2 is being resurfaced this week, please use B3.'],
      ['fengliang', '收到，谢谢提醒。'],
    ] },
    { daysAgo: 5, at: '10:00', lines: [
      ['xuting', '欢迎本周入职的新同事：彭飞（华南区销售代表）、罗琳（产品部 UI 设计师）、何雪（测试组测试工程师）！\nPlease welcome our new colleagues!'],
      ['pengfei', '大家好，我是彭飞，很高兴加入星河！'],
      ['luolin', '大家好～我是罗琳，之后请多指教 😊'],
      ['hexue', '大家好，我是何雪，负责测试工作，请多关照！'],
      ['chenjianguo', '欢迎加入！'],
      ['lina', '欢迎欢迎 🎉'],
      ['david.miller', 'Welcome aboard!'],
      ['zhuli', '欢迎何雪加入测试组～'],
    ] },
    { daysAgo: 3, at: '11:30', lines: [
      ['liangwei', '下周二云帆物流的客户来访，会参观办公区并体验 Muster 打卡机，请大家保持工位整洁。A client visit next Tuesday.'],
      ['songjia', '我负责接待，参观路线：前台 → 研发区 → 会议室 A。'],
      ['machao', '打卡机演示环境我周一布好。'],
      ['zhangwei', '研发区这边我和李娜陪同讲解。'],
      ['wangfang', '午餐已预订，访客胸牌在前台领取。'],
    ] },
    { daysAgo: 2, at: '16:00', lines: [
      ['chenjianguo', '本季度进展顺利：Muster 2.0 按计划推进，新签客户 6 家。感谢大家的努力！\nQ3 so far: 2.0 on track and 6 new customers. Thank you all!'],
      ['zhangwei', '研发会在两周内完成 2.0 正式版。'],
      ['liangwei', '市场部争取季度末再签 2 家。'],
      ['xuting', '季度优秀员工评选开始，请各部门负责人在周五前提交提名。'],
      ['caoying', '💪'],
      ['yuanli', '请各部门在月底前提交下季度预算。'],
    ] },
    { daysAgo: 1, at: '09:20', lines: [
      ['admin', '【IT】Muster 桌面端今天自动更新到 2.0 RC1，更新时请先保存正在编辑的内容。The desktop app updates itself to 2.0 RC1 today.'],
      ['lina', 'RC1 修复了群列表偶尔排序不对的问题。'],
      ['zhuli', '有任何异常请截图发给测试组，谢谢！'],
      ['tangning', '已更新 ✅'],
      ['guopeng', '已更新，扫码入群正常。'],
      ['emily.carter', 'Updated, all good here.'],
      ['huangtao', '服务端监控一切正常。'],
    ] },
  ],

  project: [
    { daysAgo: 16, at: '10:00', lines: [
      ['zhangwei', '项目组成立。Muster 2.0 目标：群聊稳定可靠、扫码入群、考勤打卡一体化，本季度末发布。'],
      ['linfeng', 'PRD v1.2 已上传，大家先看第 3 章「加入群聊」。'],
      ['emily.carter', "I've attached the new join-flow wireframes to the PRD. Feedback welcome."],
      ['lina', '前端这周先搭骨架：登录、群列表、聊天窗口。'],
      ['zhaomin', '后端先做认证和消息存储，接口契约和前端一起定。'],
      ['david.miller', "Let's keep one typed contract shared by client and server — zod schemas, no second copy."],
      ['zhangwei', '同意，契约放在 shared 目录，两边都引用。'],
    ] },
    { daysAgo: 14, at: '15:00', lines: [
      ['zhaomin', '消息序号按群递增，客户端用 clientId 做幂等，重发不会产生重复消息。'],
      ['lina', '前端离线发送先进 outbox，重连后按顺序补发。'],
      ['zhuli', '那测试用例要覆盖同一条消息同时重发两次的情况。'],
      ['huangtao', '已加并发测试，唯一约束冲突时返回原消息。'],
      ['david.miller', '👍 and the duplicate flag lets the client reconcile its optimistic copy.'],
    ] },
    { daysAgo: 12, at: '11:00', lines: [
      ['emily.carter', 'Usability test results: 7 of 8 participants joined a group by QR code within 30 seconds. The invite-link path confused 3 people.'],
      ['linfeng', '邀请链接的问题主要是过期提示不清楚，我们改一下文案。'],
      ['zhengting', '过期链接要明确提示「链接已过期，请联系群主重新分享」。'],
      ['lina', '前端按错误码显示对应的中英文提示。'],
      ['emily.carter', "Great. I'll update the copy deck in both languages."],
    ] },
    { daysAgo: 10, at: '09:30', lines: [
      ['zhuli', '回归发现一个问题：网络切换时偶尔出现重复的未读数。'],
      ['lina', '已定位，是重连时重复订阅导致的，今天修。'],
      ['guopeng', '修复后我再验证一遍。'],
      ['lina', '已修复，提交在 release/beta2 分支。'],
      ['guopeng', '验证通过 ✅'],
    ] },
    { daysAgo: 8, at: '14:00', lines: [
      ['machao', '部署方案：默认内置 PGlite，生产环境设置 DATABASE_URL 切到 PostgreSQL。'],
      ['zhaomin', '多节点时签名密钥存在数据库里，节点之间共享。'],
      ['david.miller', "Migrations take an advisory lock, so two nodes starting at once won't race."],
      ['zhangwei', '很好，下周在预发环境做一次双节点演练。'],
      ['machao', '收到，周三晚上演练。'],
    ] },
    { daysAgo: 6, at: '10:15', lines: [
      ['linfeng', '下周评审范围：群列表排序、已读同步、历史分页。'],
      ['zhengting', '历史分页每页 50 条，向上滚动加载更早的消息。'],
      ['lina', '已实现，加载时滚动位置保持不跳。'],
      ['emily.carter', 'Can we show a “new messages” divider at the last read position?'],
      ['lina', '可以，用 lastReadSeq 定位，RC1 加上。'],
    ] },
    { daysAgo: 4, at: '16:40', lines: [
      ['machao', '双节点演练完成，切换过程中没有丢消息。'],
      ['zhaomin', '刷新令牌轮换也验证了，旧令牌重放会让整个会话失效。'],
      ['huangtao', '登录限流在多节点下同样生效，因为失败记录存在数据库里。'],
      ['zhangwei', '👏 辛苦了！'],
    ] },
    { daysAgo: 2, at: '11:00', lines: [
      ['zhangwei', 'RC1 明天推送，今晚 8 点合并冻结。'],
      ['lina', '前端已全部合并。'],
      ['zhaomin', '后端也好了。'],
      ['zhuli', '测试这边今晚做最后一轮冒烟。'],
      ['guopeng', '冒烟通过 ✅'],
      ['linfeng', '发布说明我来写，中英双语。'],
      ['emily.carter', "I'll proofread the English version."],
    ] },
  ],

  yunfan: [
    { daysAgo: 15, at: '17:00', lines: [
      ['liangwei', '欢迎云帆物流的朋友们！此群用于项目对接，消息按合规要求存档。\nWelcome! This group is for project coordination; messages are archived for compliance.'],
      ['songjia', '我是宋佳，负责商务对接，有任何问题随时联系我。'],
      ['tangning', '合同附件和报价单已发邮件，请查收。'],
      ['linfeng', '需求调研安排在下周一上午，地点在贵司杭州总部。'],
      ['wang.guest', '收到，谢谢各位！周一上午我们仓储和 IT 的负责人都会到场。'],
    ] },
    { daysAgo: 11, at: '10:00', lines: [
      ['songjia', '调研纪要已整理：共 12 个仓库、约 800 名员工需要使用考勤和群聊。'],
      ['zhaomin', '私有化部署需要一台 8 核 16G 的服务器和 PostgreSQL 15 以上。'],
      ['michael.brown', 'For the Singapore warehouse we can provide the English UI from day one.'],
      ['linfeng', '排期：第一阶段上线群聊和扫码入群，第二阶段接入考勤机。'],
    ] },
    { daysAgo: 6, at: '15:30', lines: [
      ['hanmei', '试点仓库的考勤机已到货，下周安装。'],
      ['zhaomin', '安装时我们派工程师到现场配对设备。'],
      ['tangning', '培训材料中英文版本都准备好了。'],
      ['liangwei', '谢谢各位，期待试点顺利！'],
    ] },
    { daysAgo: 3, at: '09:45', lines: [
      ['songjia', '客户反馈：试点第一周打卡成功率 99.2%，扫码入群平均 20 秒。'],
      ['linfeng', '非常好，第二阶段需求下周评审。'],
      ['michael.brown', 'The Singapore team is asking for the same rollout next month.'],
      ['liangwei', '好的，我来安排。'],
      ['wang.guest', '辛苦了！新加坡仓的联系人我稍后拉进来。'],
    ] },
  ],

  onboarding: [
    { daysAgo: 5, at: '09:00', lines: [
      ['xuting', '欢迎参加新员工培训！本周课程：公司介绍、信息安全、考勤与报销、Muster 使用。Welcome to onboarding week!'],
      ['jiangmin', '课程表已置顶，每天上午 10 点开始，地点：培训室 602。'],
      ['pengfei', '收到，谢谢！'],
      ['luolin', '请问需要带电脑吗？'],
      ['jiangmin', '需要带笔记本电脑，周三有实操。'],
    ] },
    { daysAgo: 4, at: '10:00', lines: [
      ['machao', '信息安全要点：离开工位锁屏、使用长密码、不要把客户数据存在个人设备上。Lock your screen, use long passwords, keep customer data off personal devices.'],
      ['hexue', '密码多久需要更换一次？'],
      ['machao', '不强制定期更换，但密码要足够长，而且不能和其他网站重复。'],
      ['yuanli', '下午讲报销流程，请提前安装财务系统。'],
    ] },
    { daysAgo: 3, at: '14:00', lines: [
      ['lina', 'Muster 实操：请扫描投屏上的二维码加入「全员群」，再试着发一条消息。'],
      ['pengfei', '已加入 ✅'],
      ['luolin', '已加入，消息发送成功～'],
      ['hexue', '扫码成功！'],
      ['lina', '很好！二维码 7 天内有效，邀请链接可以设置 1 到 30 天的有效期。'],
    ] },
    { daysAgo: 1, at: '17:00', lines: [
      ['xuting', '本周培训结束，请在今天内填写培训反馈问卷。谢谢大家！'],
      ['jiangmin', '问卷链接：https://forms.starriver.example/onboarding'],
      ['pengfei', '已填写，收获很大！'],
      ['luolin', '已填 👍'],
    ] },
  ],

  'dept:fe': [
    { daysAgo: 8, at: '10:30', lines: [
      ['lina', '本周 code review 轮值：刘强、陈静。'],
      ['liuqiang', '收到，今天下午开始看。'],
      ['chenjing', '组件库升级到 React 19 的 PR 已提交，请帮忙 review。'],
      ['yanglei', '我来看，顺便测一下桌面端打包。'],
    ] },
  ],
  'dept:be': [
    { daysAgo: 7, at: '09:15', lines: [
      ['zhaomin', '本周值班：周一至周三黄涛，周四至周日吴昊。'],
      ['huangtao', 'OK'],
      ['wuhao', '收到'],
      ['david.miller', "I'll review the migration PR today."],
      ['sunli', '慢查询周报已发到邮箱。'],
    ] },
  ],
  'dept:qa': [
    { daysAgo: 2, at: '09:10', lines: [
      ['zhuli', '测试环境已重置，今天开始 RC1 回归。'],
      ['guopeng', '我负责桌面端。'],
      ['hexue', '我跟着郭鹏学习桌面端测试～'],
    ] },
  ],
  'dept:product': [
    { daysAgo: 6, at: '18:00', lines: [
      ['linfeng', '周会改到周四上午 10 点。'],
      ['zhengting', '好的'],
      ['gaoyuan', '收到'],
      ['emily.carter', 'Works for me.'],
      ['luolin', '好的'],
    ] },
  ],
  'dept:east': [
    { daysAgo: 4, at: '09:00', lines: [
      ['songjia', '本月目标已完成 82%，大家加油！'],
      ['tangning', '云帆二期下周报价。'],
      ['hanmei', '明天拜访杭州两家新客户。'],
      ['fengliang', '我跟韩梅一起去。'],
    ] },
  ],
  'dept:south': [
    { daysAgo: 3, at: '15:20', lines: [
      ['dengchao', '深圳展会展位确认了：3 号馆 B12。'],
      ['caoying', '宣传册中英文版都印好了。'],
      ['pengfei', '我负责现场签到扫码。'],
      ['michael.brown', "I'll look after the overseas visitors."],
    ] },
  ],
  'dept:hr': [
    { daysAgo: 2, at: '10:40', lines: [
      ['xuting', '下周一开始年中绩效面谈，请提前准备。'],
      ['jiangmin', '面谈时间表已发到各部门负责人邮箱。'],
      ['shenjie', '会议室已全部预订。'],
    ] },
  ],
  'dept:fin': [
    { daysAgo: 1, at: '11:00', lines: [
      ['yuanli', '月结下周三完成。'],
      ['qiancheng', '凭证已全部录入。'],
      ['sarah.johnson', 'The FX report for the Singapore entity is ready.'],
    ] },
  ],
};
